package io.kaged.persistence.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders kaged creates for what only its user may read: the kaged home (store, token, config), backups,
 * the config folder. Created 0700, like ~/.ssh, so that not even the names of what they hold show to
 * other users; a folder that already exists keeps the mode its owner gave it.
 */
public final class PrivateFolders {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private PrivateFolders() {}

    /** Creates {@code folder} and its missing parents, each 0700; does nothing if it exists. */
    public static void create(Path folder) throws IOException {
        Files.createDirectories(folder, OWNER_ONLY);
    }
}
