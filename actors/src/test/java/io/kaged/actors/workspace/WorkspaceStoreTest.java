package io.kaged.actors.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceStoreTest {

    @TempDir
    Path tmp;

    private WorkspaceStore store(long maxFile, long maxTotal) {
        return new WorkspaceStore(
                new WorkspaceSettings(tmp.resolve("workspaces"), maxFile, maxTotal, 1 << 20, 100), Clock.systemUTC());
    }

    @ParameterizedTest(name = "in a git repository: {0}")
    @ValueSource(booleans = {true, false})
    void restoreMakesTheFolderEqualToTheCheckpointAndLeavesGitAndIgnoredFilesAlone(boolean gitRepository)
            throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        write(ws, ".gitignore", "*.log\nbuild/\n");
        write(ws, "README.md", "hello\n");
        write(ws, "src/Main.java", "class Main {}\n");
        write(ws, "src/gone.txt", "to be deleted\n");
        write(ws, "sub/.gitignore", "secret.txt\n");
        write(ws, "sub/secret.txt", "ignored one\n");
        write(ws, "sub/kept.txt", "kept\n");
        write(ws, "run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(ws.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(ws.resolve("link"), Path.of("README.md"));
        write(ws, "app.log", "log 1\n");
        write(ws, "build/out.bin", "built 1\n");
        if (gitRepository) {
            try (Git git = Git.init().setDirectory(ws.toFile()).call()) {
                git.add().addFilepattern(".").call();
                git.commit()
                        .setMessage("first")
                        .setSign(false)
                        .setAuthor("t", "t@t")
                        .setCommitter("t", "t@t")
                        .call();
            }
        }
        String gitBefore = gitRepository ? FolderState.hash(ws.resolve(".git")) : null;
        // the run's own changes before the checkpoint
        write(ws, "README.md", "hello, changed before the checkpoint\n");
        Files.delete(ws.resolve("src/gone.txt"));
        write(ws, "src/added.txt", "added before the checkpoint\n");
        WorkspaceStore store = store(1 << 20, 1 << 30);

        WorkspaceSnapshot snap = store.snapshot("run1", ws, "cp1");
        Map<String, String> atCheckpoint = FolderState.of(ws, ".git", "app.log", "build", "sub/secret.txt");
        assertEquals(atCheckpoint.size(), snap.files());
        assertEquals(List.of(), snap.skipped());

        // more changes after it: modified, deleted, added (a folder of them), a file where a folder was,
        // mode and link changes, and ignored files changed
        write(ws, "src/Main.java", "class Main { int x; }\n");
        Files.delete(ws.resolve("sub/kept.txt"));
        write(ws, "new/deep/file.txt", "new\n");
        Files.delete(ws.resolve("src/added.txt"));
        write(ws, "src/added.txt/inside", "a folder where a file was\n");
        Files.setPosixFilePermissions(ws.resolve("run.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.delete(ws.resolve("link"));
        Files.createSymbolicLink(ws.resolve("link"), Path.of("src/Main.java"));
        write(ws, "app.log", "log 2\n");
        write(ws, "build/out.bin", "built 2\n");
        write(ws, "sub/secret.txt", "ignored two\n");
        Map<String, String> ignoredNow = Map.of(
                "app.log", FolderState.of(ws).get("app.log"),
                "build/out.bin", FolderState.of(ws).get("build/out.bin"),
                "sub/secret.txt", FolderState.of(ws).get("sub/secret.txt"));

        WorkspaceChanges diff = store.diff("run1", ws, "cp1", true);
        assertEquals(List.of("new/deep/file.txt", "src/added.txt/inside"), diff.added());
        assertEquals(List.of("link", "run.sh", "src/Main.java"), diff.modified());
        assertEquals(List.of("src/added.txt", "sub/kept.txt"), diff.deleted());
        assertTrue(diff.patch().contains("-class Main {}\n+class Main { int x; }\n"), diff.patch());
        assertTrue(diff.patch().contains("+++ b/new/deep/file.txt"), diff.patch());

        WorkspaceChanges undone = store.restore("run1", ws, "cp1");
        assertEquals(diff.added(), undone.added());
        assertEquals(diff.modified(), undone.modified());
        assertEquals(diff.deleted(), undone.deleted());
        assertEquals(atCheckpoint, FolderState.of(ws, ".git", "app.log", "build", "sub/secret.txt"));
        assertFalse(Files.exists(ws.resolve("new")), "folders emptied by the rollback go too");
        Map<String, String> all = FolderState.of(ws);
        ignoredNow.forEach((path, state) -> assertEquals(state, all.get(path), path + " is ignored: left alone"));
        if (gitRepository) {
            assertEquals(gitBefore, FolderState.hash(ws.resolve(".git")), "the user's .git is untouched");
        }
        assertEquals(0, store.diff("run1", ws, "cp1", false).count());
    }

    @Test
    void filesPastTheBoundsAreSkippedAndNamedAndARestoreLeavesThem() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        write(ws, "a.txt", "a".repeat(10));
        write(ws, "big.bin", "b".repeat(200));
        write(ws, "c.txt", "c".repeat(50));
        write(ws, "d.txt", "d".repeat(50));
        WorkspaceStore store = store(100, 70);

        WorkspaceSnapshot snap = store.snapshot("run2", ws, "cp1");

        assertEquals(2, snap.files());
        assertEquals(60, snap.bytes());
        assertEquals(
                List.of(
                        new WorkspaceSnapshot.Skipped("big.bin", "larger than kaged.workspaces.max-file-size"),
                        new WorkspaceSnapshot.Skipped("d.txt", "past kaged.workspaces.max-snapshot-size")),
                snap.skipped());
        write(ws, "big.bin", "changed".repeat(40));
        WorkspaceChanges undone = store.restore("run2", ws, "cp1");
        assertEquals(0, undone.count());
        assertEquals("changed".repeat(40), Files.readString(ws.resolve("big.bin")));
        assertTrue(Files.exists(ws.resolve("d.txt")));
    }

    @Test
    void anUnchangedFileIsNotReadAgainButAChangedOneIs() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        write(ws, "same.txt", "one");
        write(ws, "changed.txt", "one");
        FileTime old = FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(ws.resolve("same.txt"), old);
        Files.setLastModifiedTime(ws.resolve("changed.txt"), old);
        WorkspaceStore store = store(1 << 20, 1 << 30);
        store.snapshot("run3", ws, "cp1");
        // same size and time: the cache is believed (this is what makes a checkpoint cheap) ...
        write(ws, "same.txt", "two");
        Files.setLastModifiedTime(ws.resolve("same.txt"), old);
        // ... a new time is not
        write(ws, "changed.txt", "two");

        store.snapshot("run3", ws, "cp2");

        WorkspaceChanges diff = store.diff("run3", ws, "cp1", false);
        assertEquals(List.of("changed.txt"), diff.modified());
    }

    @Test
    void aCheckpointWithoutSnapshotAndADroppedRunAreNoSnapshot() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        write(ws, "a.txt", "a");
        WorkspaceStore store = store(1 << 20, 1 << 30);
        assertThrows(WorkspaceStore.NoSnapshot.class, () -> store.diff("run4", ws, "cp1", false));
        String id = store.snapshot("run4", ws, "cp1").id();
        assertEquals(id, store.snapshotOf("run4", "cp1").orElseThrow());
        assertThrows(WorkspaceStore.NoSnapshot.class, () -> store.restore("run4", ws, "cp2"));
        assertNotEquals(id, store.snapshot("run4", ws, "cp2").id(), "each checkpoint has its own commit");

        assertTrue(store.drop("run4"));

        assertFalse(Files.exists(store.location("run4")));
        assertTrue(store.snapshotOf("run4", "cp1").isEmpty());
        assertThrows(WorkspaceStore.NoSnapshot.class, () -> store.restore("run4", ws, "cp1"));
        assertEquals("a", Files.readString(ws.resolve("a.txt")));
        assertThrows(
                WorkspaceStore.NoSnapshot.class,
                () -> store.snapshot("run4", ws, "late"),
                "a snapshot that was still queued when its run was purged does not bring the repository back");
        assertFalse(Files.exists(store.location("run4")));
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
