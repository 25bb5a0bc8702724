package io.kaged.persistence.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {

    @TempDir
    Path home;

    @Test
    void keepsValuesInOwnerOnlyFilesAndListsNamesOnly() throws Exception {
        SecretStore secrets = SecretStore.inHome(home);
        assertEquals(List.of(), secrets.names());
        assertTrue(secrets.put("anthropic", "sk-one".getBytes(StandardCharsets.UTF_8)));
        assertFalse(secrets.put("anthropic", "sk-two".getBytes(StandardCharsets.UTF_8)));
        assertTrue(secrets.put("b.key", "value-b".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of("sk-two"), secrets.get("anthropic"));
        assertEquals(List.of("anthropic", "b.key"), secrets.names());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.folder())));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(secrets.folder().resolve("anthropic"))));
        try (var files = Files.list(secrets.folder())) {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
        assertTrue(secrets.remove("anthropic"));
        assertFalse(secrets.remove("anthropic"));
        assertEquals(Optional.empty(), secrets.get("anthropic"));
    }

    @Test
    void refusesNamesThatCouldEscapeTheFolderAndValuesItCannotMask() {
        SecretStore secrets = SecretStore.inHome(home);
        for (String bad : List.of("../x", ".hidden", "a/b", "", "x".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> secrets.put(bad, "value".getBytes()), bad);
            assertEquals(Optional.empty(), secrets.get(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> secrets.put("short", "abc".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> secrets.put("nul", "ab\0cd".getBytes()));
    }
}
