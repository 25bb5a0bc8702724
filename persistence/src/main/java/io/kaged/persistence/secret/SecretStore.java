package io.kaged.persistence.secret;

import io.kaged.persistence.store.PrivateFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's secrets: one file per secret in a folder of kaged's home, the folder 0700 and each file
 * 0600, holding the value's UTF-8 bytes and nothing else. Never in the store, so never in the journal, the
 * query tables or a backup of them. A value is replaced by writing a fresh 0600 file beside it and moving
 * it over the old one, so a reader sees the old value or the new one, never half of either.
 */
public final class SecretStore {

    /** A secret's name: what a run's env refers to and what the file is called. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** The shortest value kaged keeps: a shorter one would be masked wherever those bytes occur in output. */
    public static final int MIN_BYTES = 4;

    public static final int MAX_BYTES = 64 * 1024;

    private final Path folder;

    public SecretStore(Path folder) {
        this.folder = folder;
    }

    /** The secrets folder of the kaged home {@code home}. */
    public static SecretStore inHome(Path home) {
        return new SecretStore(home.resolve("secrets"));
    }

    public Path folder() {
        return folder;
    }

    /** Why {@code name} cannot name a secret, or null when it can. */
    public static String nameProblem(String name) {
        return name != null && NAME.matcher(name).matches()
                ? null
                : "a secret's name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";
    }

    /** Why {@code value} cannot be kept, or null when it can. */
    public static String valueProblem(byte[] value) {
        if (value.length < MIN_BYTES) {
            return "a secret's value holds at least " + MIN_BYTES + " bytes (a shorter one would be masked"
                    + " wherever those bytes occur in output)";
        }
        if (value.length > MAX_BYTES) {
            return "a secret's value holds at most " + MAX_BYTES + " bytes";
        }
        for (byte b : value) {
            if (b == 0) {
                return "a secret's value cannot hold a NUL byte (it goes into an environment variable)";
            }
        }
        return null;
    }

    /**
     * Keeps {@code value} under {@code name}, replacing any value it had.
     *
     * @return whether the name was new
     * @throws IllegalArgumentException when the name or value is not one kaged keeps
     */
    public synchronized boolean put(String name, byte[] value) throws IOException {
        check(nameProblem(name));
        check(valueProblem(value));
        PrivateFolders.create(folder);
        Path target = folder.resolve(name);
        boolean created = !Files.exists(target);
        Path fresh = Files.createTempFile(
                folder,
                ".new-",
                "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(fresh, value);
            try {
                Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(fresh, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(fresh);
        }
        return created;
    }

    /** The value of {@code name}, if kept. */
    public Optional<String> get(String name) {
        if (nameProblem(name) != null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Files.readAllBytes(folder.resolve(name)), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + name + " in " + folder, e);
        }
    }

    /** Forgets {@code name}; false if it was not kept. */
    public synchronized boolean remove(String name) throws IOException {
        return nameProblem(name) == null && Files.deleteIfExists(folder.resolve(name));
    }

    /** The names kept, sorted. */
    public List<String> names() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (nameProblem(n) == null && Files.isRegularFile(f)) {
                    names.add(n);
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    private static void check(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
