package io.kaged.actors.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a test compares folders by: every file under a folder, with its content's hash and its kind. */
public final class FolderState {

    private FolderState() {}

    /** Path → "sha-256 [x|link]" of every file under {@code root}, skipping paths starting with {@code skip}. */
    public static Map<String, String> of(Path root, String... skip) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty() || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || skipped(rel, skip)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    state.put(rel, "link " + Files.readSymbolicLink(p));
                } else {
                    boolean x = Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
                    state.put(rel, sha(Files.readAllBytes(p)) + (x ? " x" : ""));
                }
            }
        }
        return state;
    }

    /** One hash of every file and folder name under {@code dir} (a {@code .git}), for "untouched" checks. */
    public static String hash(Path dir) throws IOException {
        return sha(of(dir).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean skipped(String rel, String[] skip) {
        for (String s : skip) {
            if (rel.equals(s) || rel.startsWith(s + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
