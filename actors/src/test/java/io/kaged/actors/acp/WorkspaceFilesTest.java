package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.acp.FileResult.Refusal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFilesTest {

    @TempDir
    Path tmp;

    private Path workspace;
    private Path extra;
    private Path outside;
    private WorkspaceFiles files;

    @BeforeEach
    void setUp() throws Exception {
        workspace = Files.createDirectories(tmp.resolve("ws"));
        extra = Files.createDirectories(tmp.resolve("extra"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        files = new WorkspaceFiles(workspace, List.of(extra), 1024);
    }

    private Refusal refusal(FileResult result) {
        return assertInstanceOf(FileResult.Refused.class, result, String.valueOf(result))
                .refusal();
    }

    @Test
    void readsAFileWholeOrByLines() throws Exception {
        Files.writeString(workspace.resolve("a.txt"), "one\ntwo\nthree\nfour");
        FileResult.Read whole = assertInstanceOf(FileResult.Read.class, files.read(workspace + "/a.txt", null, null));
        assertEquals("one\ntwo\nthree\nfour", whole.content());
        assertEquals("two\nthree\n", ((FileResult.Read) files.read(workspace + "/a.txt", 2, 2)).content());
        assertEquals("three\nfour", ((FileResult.Read) files.read("a.txt", 3, null)).content());
        assertEquals("one\n", ((FileResult.Read) files.read("a.txt", null, 1)).content());
        assertEquals("", ((FileResult.Read) files.read("a.txt", 9, 1)).content());
        assertEquals(Refusal.NOT_FOUND, refusal(files.read(workspace + "/missing.txt", null, null)));
        assertEquals(Refusal.IS_DIRECTORY, refusal(files.read(workspace.toString(), null, null)));
    }

    @Test
    void aTerminalsWorkingDirectoryMustBeAFolderInsideTheWorkspace() throws Exception {
        Path sub = Files.createDirectories(workspace.resolve("sub"));
        Files.writeString(workspace.resolve("a.txt"), "a");
        Files.createSymbolicLink(workspace.resolve("out"), outside);
        assertEquals(
                sub.toRealPath(),
                assertInstanceOf(FileResult.Directory.class, files.directory("sub"))
                        .path());
        assertEquals(
                workspace.toRealPath(),
                assertInstanceOf(FileResult.Directory.class, files.directory(workspace.toString()))
                        .path());
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.directory(outside.toString())));
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.directory("..")));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.directory("out")));
        assertEquals(Refusal.NOT_FOUND, refusal(files.directory("a.txt")));
        assertEquals(Refusal.NOT_FOUND, refusal(files.directory("missing")));
    }

    @Test
    void writesCreateFilesAndParentsAndReportSizeAndHash() throws Exception {
        FileResult.Written w =
                assertInstanceOf(FileResult.Written.class, files.write(workspace + "/src/new/Main.java", "héllo\n"));
        assertEquals(workspace.toRealPath().resolve("src/new/Main.java"), w.path());
        assertEquals(7, w.size());
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest("héllo\n".getBytes(StandardCharsets.UTF_8))),
                w.sha256());
        assertEquals("héllo\n", Files.readString(workspace.resolve("src/new/Main.java")));
        assertInstanceOf(FileResult.Written.class, files.write(extra + "/notes.md", "x"));
        assertInstanceOf(FileResult.Written.class, files.write(workspace + "/src/new/Main.java", "shorter"));
        assertEquals("shorter", Files.readString(workspace.resolve("src/new/Main.java")));
    }

    @Test
    void refusesPathsOutsideTheWorkspace() {
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.read(outside + "/secret.txt", null, null)));
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.read(workspace + "/../outside/secret.txt", null, null)));
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.write("../outside/new.txt", "x")));
        assertEquals(Refusal.OUTSIDE_WORKSPACE, refusal(files.write("/etc/kaged-test", "x")));
        assertEquals(Refusal.INVALID_PATH, refusal(files.write("", "x")));
        assertEquals(Refusal.INVALID_PATH, refusal(files.read("a\0b", null, null)));
        assertFalse(Files.exists(outside.resolve("new.txt")));
        assertTrue(Refusal.OUTSIDE_WORKSPACE.sandbox());
    }

    @Test
    void refusesASymlinkThatLeadsOutIncludingForAFileNotThereYet() throws Exception {
        Files.createSymbolicLink(workspace.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(workspace.resolve("out"), outside);
        Files.createSymbolicLink(workspace.resolve("dangling"), outside.resolve("later.txt"));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.read(workspace + "/link.txt", null, null)));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.write(workspace + "/link.txt", "pwned")));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.write(workspace + "/out/new.txt", "pwned")));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.write(workspace + "/out/deep/new.txt", "pwned")));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.write(workspace + "/dangling", "pwned")));
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
        assertFalse(Files.exists(outside.resolve("new.txt")));
        assertFalse(Files.exists(outside.resolve("deep")));
        assertFalse(Files.exists(outside.resolve("later.txt")));
    }

    @Test
    void followsASymlinkThatStaysInside() throws Exception {
        Files.writeString(workspace.resolve("real.txt"), "inside");
        Files.createSymbolicLink(workspace.resolve("alias.txt"), workspace.resolve("real.txt"));
        assertEquals("inside", ((FileResult.Read) files.read(workspace + "/alias.txt", null, null)).content());
        assertInstanceOf(FileResult.Written.class, files.write(workspace + "/alias.txt", "changed"));
        assertEquals("changed", Files.readString(workspace.resolve("real.txt")));
        assertTrue(Files.isSymbolicLink(workspace.resolve("alias.txt")));
    }

    @Test
    void refusesDevicesAndFifos() throws Exception {
        Path fifo = workspace.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(Refusal.SPECIAL_FILE, refusal(files.read(fifo.toString(), null, null)));
        assertEquals(Refusal.SPECIAL_FILE, refusal(files.write(fifo.toString(), "x")));
        assertTrue(Refusal.SPECIAL_FILE.sandbox());
        Files.createSymbolicLink(workspace.resolve("null"), Path.of("/dev/null"));
        assertEquals(Refusal.SYMLINK_ESCAPE, refusal(files.write(workspace + "/null", "x")));
        WorkspaceFiles dev = new WorkspaceFiles(Path.of("/dev"), List.of(), 1024);
        assertEquals(Refusal.SPECIAL_FILE, refusal(dev.read("/dev/null", null, null)));
    }

    @Test
    void boundsTheSizeOfAReadAndAWrite() throws Exception {
        Files.write(workspace.resolve("big.bin"), new byte[2048]);
        assertEquals(Refusal.TOO_LARGE, refusal(files.read("big.bin", null, null)));
        assertEquals(Refusal.TOO_LARGE, refusal(files.write("big.txt", "x".repeat(2048))));
        assertFalse(Files.exists(workspace.resolve("big.txt")));
    }
}
