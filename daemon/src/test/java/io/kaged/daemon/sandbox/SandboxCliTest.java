package io.kaged.daemon.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.Main;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.TestEngine;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kaged CLI inside a sandbox without network: it reaches the daemon through {@code $KAGED_SOCKET} with
 * the run's own {@code $KAGED_TOKEN}, on both engines. The CLI is this build's main class on the test's
 * class path, which the sandbox sees read-only; the home and workspace are under the build folder, as in
 * {@link SandboxApiTest}.
 */
class SandboxCliTest extends SandboxDaemonBase {

    SandboxCliTest() {
        super("sandbox-cli-test-");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each step prints a marker and the CLI's exit code, so the test can tell what failed. */
    private static final String SCRIPT = String.join(
            "\n",
            "k() { \"$JAVA\" -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx64m -cp \"$CP\" " + Main.class.getName()
                    + " \"$@\"; }",
            "echo \"SOCKET=$KAGED_SOCKET\"",
            "child=$(k run start --wait -- /bin/sh -c 'echo child-ran') ; echo \"START-EXIT=$? CHILD=$child\"",
            "k run show \"$child\" >/dev/null; echo \"SHOW-EXIT=$?\"",
            "k run ls --json | tr -d '\\n' | sed 's/^/LS=/'; echo",
            "k run show \"$KAGED_RUN_ID\" >/dev/null; echo \"SHOW-SELF-EXIT=$?\"",
            "k run cancel \"$KAGED_RUN_ID\" 2>&1 | sed 's/^/CANCEL: /'",
            "k agent attach \"$KAGED_RUN_ID\" </dev/null 2>&1 | sed 's/^/ATTACH: /'",
            "k run ls --port 1 2>&1 | sed 's/^/TCP: /'");

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theCliInASandboxWithoutNetworkStartsAndReadsChildRunsThroughTheSocket(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, Object> body = Map.of(
                "command", List.of("/bin/sh", "-c", SCRIPT),
                "cwd", workspace.toString(),
                "env", Map.of("JAVA", java, "CP", System.getProperty("java.class.path")),
                "sandbox", Map.of("network", false),
                "timeoutMs", 240_000);
        String parent = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        kaged.awaitState(parent, "succeeded");
        String out = kaged.call("GET", "/v1/runs/" + parent + "/output", null).body();

        assertTrue(out.contains("SOCKET=/tmp/kaged-api.sock"), out);
        Matcher started = Pattern.compile("START-EXIT=0 CHILD=(\\S+)").matcher(out);
        assertTrue(started.find(), "run start --wait over the socket: " + out);
        String child = started.group(1);
        assertTrue(out.contains("SHOW-EXIT=0") && out.contains("SHOW-SELF-EXIT=0"), out);

        // the child is in the tree under the sandboxed run, and it ran
        JsonNode view = kaged.json("GET", "/v1/runs/" + child, null, 200);
        assertEquals(parent, view.get("parentId").asText(), view.toString());
        assertEquals("succeeded", view.get("state").asText(), view.toString());
        assertEquals(
                "child-ran\n",
                kaged.call("GET", "/v1/runs/" + child + "/output?stream=stdout", null)
                        .body());
        JsonNode children =
                kaged.json("GET", "/v1/runs?parentId=" + parent, null, 200).get("items");
        assertEquals(1, children.size(), children.toString());

        // run ls with the run's token lists what that token may see: the child
        Matcher ls = Pattern.compile("LS=(.*)").matcher(out);
        assertTrue(ls.find(), out);
        assertTrue(ls.group(1).contains(child), ls.group(1));

        // the run's token was used, not the daemon's: cancelling its own run is refused by its scope
        assertTrue(out.contains("CANCEL: ") && out.contains("KAGED_TOKEN may not cancel its own run"), out);
        assertEquals(
                "succeeded",
                kaged.json("GET", "/v1/runs/" + child, null, 200).get("state").asText());
        // streams stay on TCP, and say so
        assertTrue(out.contains("ATTACH: ") && out.contains("needs the daemon's TCP port"), out);
        // an explicit --port means TCP, which the sandbox has not got
        assertTrue(out.contains("TCP: ") && out.contains("not running"), out);
        assertFalse(out.contains(kaged.token()), out);
        JsonNode audit = kaged.json("GET", "/v1/audit?kind=run.dispatch&subject=" + child, null, 200)
                .get("items");
        assertTrue(audit.toString().contains("run:" + parent), audit.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theCliInAPlainRunUsesTheRunsUrlAndScopedTokenToSteerItsChildren(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = String.join(
                "\n",
                "k() { \"$JAVA\" -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx64m -cp \"$CP\" " + Main.class.getName()
                        + " \"$@\"; }",
                "echo \"SOCKET=${KAGED_SOCKET:-none}\"",
                "child=$(k run start --wait -- /bin/sh -c 'echo plain-child') ; echo \"START-EXIT=$? CHILD=$child\"",
                "live=$(k run start -- sleep 300); echo \"LIVE=$live\"",
                "k agent prompt \"$live\" hello 2>&1 | sed 's/^/PROMPT: /'",
                "k approve no-such-approval allow_once 2>&1 | sed 's/^/APPROVE: /'",
                "k run cancel \"$live\" 2>&1 | sed 's/^/CANCEL: /'",
                "k run cancel \"$KAGED_RUN_ID\" 2>&1 | sed 's/^/SELF: /'");
        Map<String, Object> body = Map.of(
                "command", List.of("/bin/sh", "-c", script),
                "cwd", workspace.toString(),
                "env", Map.of("JAVA", java, "CP", System.getProperty("java.class.path")),
                "timeoutMs", 240_000);
        String parent = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        kaged.awaitState(parent, "succeeded");
        String out = kaged.call("GET", "/v1/runs/" + parent + "/output", null).body();

        assertTrue(out.contains("SOCKET=none"), out);
        Matcher started = Pattern.compile("START-EXIT=0 CHILD=(\\S+)").matcher(out);
        assertTrue(started.find(), "run start --wait over $KAGED_URL: " + out);
        JsonNode view = kaged.json("GET", "/v1/runs/" + started.group(1), null, 200);
        assertEquals(parent, view.get("parentId").asText(), "a child of the run, by its token: " + view);
        // the run's token steers its own children: it cancels the live one, which the audit names it for
        Matcher live = Pattern.compile("LIVE=(\\S+)").matcher(out);
        assertTrue(live.find(), out);
        assertTrue(out.contains("CANCEL: Run " + live.group(1) + " is "), out);
        kaged.awaitState(live.group(1), "cancelled");
        String cancels = "/v1/audit?kind=run.cancel&subject=" + live.group(1);
        io.kaged.persistence.testing.Eventually.waitFor(
                TestDaemon.WAIT, "the cancel audited as run:" + parent, () -> kaged.json("GET", cancels, null, 200)
                        .get("items")
                        .toString()
                        .contains("\"actor\":\"run:" + parent + "\""));
        // a prompt and an approval get past the scope to the run and the approvals (a plain run is no agent)
        assertTrue(out.contains("PROMPT: ") && out.contains("is not an ACP run"), out);
        assertTrue(out.contains("APPROVE: ") && out.contains("No approval with id 'no-such-approval'"), out);
        // but not its own run
        assertTrue(out.contains("SELF: ") && out.contains("KAGED_TOKEN may not cancel its own run"), out);
    }
}
