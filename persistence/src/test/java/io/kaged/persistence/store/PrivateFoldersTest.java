package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFoldersTest {

    @TempDir
    Path root;

    @Test
    void createsEveryMissingFolderOwnerOnlyAndLeavesExistingOnesAlone() throws Exception {
        Path shared = root.resolve("shared");
        Files.createDirectory(
                shared, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path nested = shared.resolve("a/b");

        PrivateFolders.create(nested);
        PrivateFolders.create(nested); // a second call is a no-op, not an error

        assertEquals("rwxr-xr-x", mode(shared));
        assertEquals("rwx------", mode(shared.resolve("a")));
        assertEquals("rwx------", mode(nested));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
