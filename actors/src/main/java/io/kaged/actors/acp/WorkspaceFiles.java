package io.kaged.actors.acp;

import io.kaged.actors.acp.FileResult.Refusal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code fs/read_text_file} and {@code fs/write_text_file} service of an ACP run, confined to its
 * workspace: the run's cwd and any configured extra directories. A path is checked twice: as written
 * (normalised, it must lie under a root) and as the file system resolves it (its real path, or for a file
 * not yet there its nearest existing parent's, must lie under a root's real path), so a symbolic link cannot
 * lead out. Devices, FIFOs and sockets are refused. The final open does not follow links, so a link swapped
 * in after the check fails the request instead of escaping. Every refusal is a {@link FileResult.Refused}
 * value, never an exception, for the run to answer the agent and audit the sandbox event.
 */
public final class WorkspaceFiles {

    private final Path cwd;
    private final List<Path> roots;
    private final List<Path> realRoots;
    private final long maxFileBytes;

    /** {@code cwd} and each extra directory must exist; {@code maxFileBytes} bounds a read or write. */
    public WorkspaceFiles(Path cwd, List<Path> extraDirectories, long maxFileBytes) throws IOException {
        this.cwd = cwd.toAbsolutePath().normalize();
        List<Path> all = new ArrayList<>();
        all.add(this.cwd);
        extraDirectories.forEach(d -> all.add(d.toAbsolutePath().normalize()));
        this.roots = List.copyOf(all);
        List<Path> real = new ArrayList<>();
        for (Path root : roots) {
            real.add(root.toRealPath());
        }
        this.realRoots = List.copyOf(real);
        this.maxFileBytes = maxFileBytes;
    }

    public List<Path> roots() {
        return roots;
    }

    /** The file's text from {@code line} (1-based; null for the start), at most {@code limit} lines. */
    public FileResult read(String path, Integer line, Integer limit) {
        Resolved r = resolve(path);
        if (r.refused != null) {
            return r.refused;
        }
        if (!r.exists) {
            return refuse(path, Refusal.NOT_FOUND, "no such file");
        }
        try {
            long size = Files.size(r.real);
            if (size > maxFileBytes) {
                return refuse(
                        path, Refusal.TOO_LARGE, "the file has " + size + " bytes, over the bound of " + maxFileBytes);
            }
            String text = new String(Files.readAllBytes(r.real), StandardCharsets.UTF_8);
            return new FileResult.Read(r.real, lines(text, line, limit));
        } catch (IOException e) {
            return refuse(path, Refusal.IO_ERROR, "reading failed: " + e.getMessage());
        }
    }

    /** Writes the whole file, creating it and its missing parent directories inside the workspace. */
    public FileResult write(String path, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxFileBytes) {
            return refuse(
                    path,
                    Refusal.TOO_LARGE,
                    "the content has " + bytes.length + " bytes, over the bound of " + maxFileBytes);
        }
        Resolved r = resolve(path);
        if (r.refused != null) {
            return r.refused;
        }
        try {
            Files.createDirectories(r.real.getParent());
            try (SeekableByteChannel channel = Files.newByteChannel(
                            r.real,
                            Set.of(
                                    StandardOpenOption.WRITE,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.TRUNCATE_EXISTING,
                                    LinkOption.NOFOLLOW_LINKS));
                    OutputStream out = Channels.newOutputStream(channel)) {
                out.write(bytes);
            }
            return new FileResult.Written(r.real, bytes.length, sha256(bytes));
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(r.real)) {
                // A link put in place between the check and the open: the open refused to follow it.
                return refuse(path, Refusal.SYMLINK_ESCAPE, "the file became a symbolic link");
            }
            return refuse(path, Refusal.IO_ERROR, "writing failed: " + e.getMessage());
        } catch (IOException e) {
            return refuse(path, Refusal.IO_ERROR, "writing failed: " + e.getMessage());
        }
    }

    /**
     * A working directory for a terminal the agent starts: an existing directory inside the workspace, by its
     * real path, or the same refusals as a file (a path outside, a symbolic link that leads out).
     */
    public FileResult directory(String path) {
        Resolved r = resolve(path);
        if (r.refused != null && r.refused.refusal() == Refusal.IS_DIRECTORY) {
            try {
                return new FileResult.Directory(
                        (Path.of(path).isAbsolute() ? Path.of(path) : cwd.resolve(path)).toRealPath());
            } catch (IOException | InvalidPathException e) {
                return refuse(path, Refusal.IO_ERROR, "the directory cannot be resolved: " + e.getMessage());
            }
        }
        if (r.refused != null) {
            return r.refused;
        }
        return refuse(path, Refusal.NOT_FOUND, r.exists ? "a file, not a directory" : "no such directory");
    }

    /** A path checked against the workspace: its real path (of the file, or where it will be) or a refusal. */
    private record Resolved(Path real, boolean exists, FileResult.Refused refused) {}

    private Resolved resolve(String raw) {
        if (raw == null || raw.isEmpty() || raw.indexOf('\0') >= 0) {
            return refused(raw, Refusal.INVALID_PATH, "not a path");
        }
        Path path;
        try {
            path = Path.of(raw);
        } catch (InvalidPathException e) {
            return refused(raw, Refusal.INVALID_PATH, "not a path: " + e.getReason());
        }
        path = (path.isAbsolute() ? path : cwd.resolve(path)).normalize();
        if (!under(path, roots) && !under(path, realRoots)) {
            return refused(raw, Refusal.OUTSIDE_WORKSPACE, "outside the workspace " + roots);
        }
        try {
            if (Files.isSymbolicLink(path) && !Files.exists(path)) {
                return refused(raw, Refusal.SYMLINK_ESCAPE, "a symbolic link to a missing file");
            }
            Path real = path.toRealPath();
            if (!under(real, realRoots)) {
                return refused(raw, Refusal.SYMLINK_ESCAPE, "a symbolic link leads outside the workspace, to " + real);
            }
            if (Files.isDirectory(real)) {
                return refused(raw, Refusal.IS_DIRECTORY, "a directory, not a file");
            }
            if (!Files.isRegularFile(real)) {
                return refused(raw, Refusal.SPECIAL_FILE, "a device, FIFO or socket, not a regular file");
            }
            return new Resolved(real, true, null);
        } catch (NoSuchFileException e) {
            return resolveMissing(raw, path);
        } catch (IOException e) {
            return refused(raw, Refusal.IO_ERROR, "the path cannot be resolved: " + e.getMessage());
        }
    }

    /** A file not there yet: where it would be is its nearest existing parent's real path plus the rest. */
    private Resolved resolveMissing(String raw, Path path) {
        Path existing = path.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return refused(raw, Refusal.OUTSIDE_WORKSPACE, "outside the workspace " + roots);
        }
        try {
            if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
                return refused(raw, Refusal.SYMLINK_ESCAPE, "a symbolic link to a missing directory");
            }
            Path realParent = existing.toRealPath();
            if (!under(realParent, realRoots)) {
                return refused(
                        raw, Refusal.SYMLINK_ESCAPE, "a symbolic link leads outside the workspace, to " + realParent);
            }
            if (!Files.isDirectory(realParent)) {
                return refused(raw, Refusal.NOT_FOUND, existing + " is not a directory");
            }
            return new Resolved(realParent.resolve(existing.relativize(path)), false, null);
        } catch (IOException e) {
            return refused(raw, Refusal.IO_ERROR, "the path cannot be resolved: " + e.getMessage());
        }
    }

    private static boolean under(Path path, List<Path> bases) {
        return bases.stream().anyMatch(path::startsWith);
    }

    private static Resolved refused(String raw, Refusal refusal, String message) {
        return new Resolved(null, false, refuse(raw, refusal, message));
    }

    private static FileResult.Refused refuse(String raw, Refusal refusal, String message) {
        return new FileResult.Refused(raw, refusal, message);
    }

    /** Lines {@code line..line+limit-1} (1-based) with their terminators, as the file has them. */
    static String lines(String text, Integer line, Integer limit) {
        if ((line == null || line <= 1) && limit == null) {
            return text;
        }
        int first = line == null || line < 1 ? 1 : line;
        long count = limit == null ? Long.MAX_VALUE : Math.max(0, limit);
        int start = 0;
        for (int n = 1; n < first; n++) {
            int next = text.indexOf('\n', start);
            if (next < 0) {
                return "";
            }
            start = next + 1;
        }
        int end = start;
        for (long n = 0; n < count && end < text.length(); n++) {
            int next = text.indexOf('\n', end);
            end = next < 0 ? text.length() : next + 1;
        }
        return text.substring(start, end);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
