package io.kaged.daemon.serve;

import io.kaged.persistence.store.PrivateFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The API's bearer token in {@code ${KAGED_HOME}/auth-token}: created on first start from 32 random bytes,
 * mode 0600 from the moment the file exists, and tightened back to 0600 if someone loosened it.
 */
public final class AuthTokenFile {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AuthTokenFile() {}

    public static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            String token = Files.readString(file).trim();
            if (token.length() >= 32) {
                return token;
            }
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        PrivateFolders.create(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, token + "\n");
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /** Reads an existing token, for client commands. */
    public static String read(Path file) throws IOException {
        return Files.readString(file).trim();
    }
}
