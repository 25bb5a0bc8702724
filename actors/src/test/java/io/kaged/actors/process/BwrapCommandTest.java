package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BwrapCommandTest {

    @TempDir
    Path dir;

    @Test
    void hidesKagedsPathsAfterEveryGrantAndKeepsTheProcessGroup() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path store = Files.writeString(dir.resolve("kaged.db"), "x");
        String above = dir.toString();
        List<String> argv = BwrapCommand.argv(
                "bwrap",
                new SandboxSpec(false, List.of(above), List.of("/opt")),
                "/work/ws",
                List.of(home, store, dir.resolve("absent")),
                null,
                List.of("sh", "-c", "echo hi"));
        assertEquals("bwrap", argv.get(0));
        assertEquals(List.of("--", "sh", "-c", "echo hi"), argv.subList(argv.size() - 4, argv.size()));
        assertTrue(
                argv.contains("--unshare-net") && argv.contains("--die-with-parent") && argv.contains("--unshare-pid"));
        assertFalse(argv.contains("--new-session"), "the sandbox stays in the process group kaged signals");
        assertEquals(1, Collections.frequency(argv, "ALL"));
        int grant = argv.indexOf(above);
        int workspace = argv.indexOf("/work/ws");
        int hidden = argv.indexOf(home.toString());
        assertTrue(grant > 0 && workspace > grant && hidden > workspace, argv.toString());
        assertEquals("--tmpfs", argv.get(hidden - 1));
        assertEquals("/dev/null", argv.get(argv.indexOf(store.toString()) - 1));
        assertFalse(argv.contains(dir.resolve("absent").toString()), "nothing to hide where nothing is");
        assertEquals("--ro-bind", argv.get(argv.indexOf("/opt") - 1));
        assertEquals("--chdir", argv.get(argv.size() - 6));
    }

    @Test
    void keepsTheNetworkUnlessToldAndBindsTheApiSocketOnlyWithout() throws Exception {
        Path socket = Files.writeString(dir.resolve("api.sock"), "");
        List<String> on =
                BwrapCommand.argv("bwrap", new SandboxSpec(null, null, null), null, List.of(), socket, List.of("true"));
        assertFalse(
                on.contains("--unshare-net") || on.contains(BwrapCommand.API_SOCKET_INSIDE) || on.contains("--chdir"));
        List<String> off = BwrapCommand.argv(
                "bwrap", new SandboxSpec(false, null, null), null, List.of(), socket, List.of("true"));
        assertEquals(socket.toString(), off.get(off.indexOf(BwrapCommand.API_SOCKET_INSIDE) - 1));
    }
}
