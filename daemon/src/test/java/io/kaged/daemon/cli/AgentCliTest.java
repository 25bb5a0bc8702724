package io.kaged.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.daemon.agent.TestAgent;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code kaged agent start|prompt|show}, {@code kaged approvals} and {@code kaged approve} against a real daemon,
 * with the test agent and with the demo agent kaged ships.
 */
class AgentCliTest {

    @TempDir
    Path home;

    /** The agents' workspaces, outside the kaged home: an ACP run is sandboxed, and a sandbox refuses a cwd there. */
    @TempDir
    Path outside;

    private TestDaemon kaged;

    record Out(int exit, String out, String err) {}

    @AfterEach
    void stop() {
        if (kaged != null) {
            kaged.close();
        }
    }

    private Out cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(kaged.env());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Out(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void startApproveAndContinueAnAgentFromTheCommandLine(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        Path work = Files.createDirectories(outside.resolve("work"));
        List<String> start = new ArrayList<>(List.of(
                "agent", "start", "--cwd", work.toString(), "--prompt", "ask execute make test; say built", "--"));
        start.addAll(TestAgent.command());
        Out started = cli(start.toArray(String[]::new));
        assertEquals(0, started.exit(), started.err());
        String run = started.out().trim();

        Eventually.waitFor(TestDaemon.WAIT, "a pending approval in kaged approvals", () -> cli("approvals")
                .out()
                .contains(run));
        Out listed = cli("approvals");
        String line =
                listed.out().lines().filter(l -> l.contains(run)).findFirst().orElseThrow();
        assertTrue(line.contains("execute make test"), listed.out());
        assertTrue(line.contains("allow_once allow_always reject_once reject_always"), listed.out());
        String approval = line.split("\\s+")[0];

        Out wrong = cli("approve", approval, "perhaps");
        assertEquals(io.kaged.daemon.client.ClientException.REFUSED, wrong.exit(), wrong.out() + wrong.err());
        assertTrue(wrong.err().contains("offers no option 'perhaps'"), wrong.err());
        Out approved = cli("approve", approval, "allow_once");
        assertEquals(0, approved.exit(), approved.err());
        assertEquals(
                "approval " + approval + " allow_once by operator api",
                approved.out().trim());

        Eventually.waitFor(TestDaemon.WAIT, "the first turn ended", () -> cli("agent", "show", run)
                .out()
                .contains("-- turn ended: end_turn"));
        Out prompted = cli("agent", "prompt", run, "say", "and", "again");
        assertEquals(0, prompted.exit(), prompted.err());
        assertEquals("sent", prompted.out().trim());
        Eventually.waitFor(
                TestDaemon.WAIT,
                "the second turn ended",
                () -> cli("agent", "show", run).out().split("-- turn ended", -1).length == 3);
        List<String> shown = cli("agent", "show", run).out().lines().toList();
        assertEquals(
                List.of(
                        "> ask execute make test; say built",
                        "[execute completed] execute make test",
                        "built",
                        "-- turn ended: end_turn",
                        "> say and again",
                        "and again",
                        "-- turn ended: end_turn"),
                shown.subList(2, shown.size()));
        assertTrue(shown.get(1).startsWith("agent test-agent 1.0: session test-session-"), shown.get(1));
        assertTrue(shown.get(1).endsWith("(new)"), shown.get(1));
        Out decided = cli("approvals", "--all", "--run", run);
        assertTrue(decided.out().contains("operator api"), decided.out());
        assertEquals(0, cli("run", "cancel", run).exit());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void attachShowsTheConversationLiveAndSendsWhatIsTyped(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        Path work = Files.createDirectories(outside.resolve("work"));
        List<String> start =
                new ArrayList<>(List.of("agent", "start", "--cwd", work.toString(), "--prompt", "say hello", "--"));
        start.addAll(TestAgent.command());
        String run = cli(start.toArray(String[]::new)).out().trim();
        Eventually.waitFor(TestDaemon.WAIT, "the first turn ended", () -> cli("agent", "show", run)
                .out()
                .contains("-- turn ended"));

        java.io.InputStream terminal = AgentAttachCommand.prompts;
        AgentAttachCommand.prompts = new java.io.ByteArrayInputStream(
                "think deeply; say typed here\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        Thread attached = new Thread(() -> {
            CommandLine cl = Cli.commandLine(kaged.env());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            cl.execute("agent", "attach", run);
        });
        try {
            attached.start();
            Eventually.waitFor(TestDaemon.WAIT, "the typed prompt's answer shows", () -> out.toString()
                    .contains("typed here"));
            assertEquals(0, cli("run", "cancel", run).exit());
            attached.join(TestDaemon.WAIT.toMillis());
        } finally {
            AgentAttachCommand.prompts = terminal;
        }
        assertTrue(!attached.isAlive(), "attach ends with the run");
        List<String> lines = out.toString().lines().toList();
        assertEquals(
                List.of(
                        "> say hello",
                        "hello",
                        "-- turn ended: end_turn",
                        "> think deeply; say typed here",
                        "(thinking) deeply",
                        "typed here",
                        "-- turn ended: end_turn"),
                lines.subList(0, 7),
                out.toString());
        assertEquals("-- run cancelled", lines.get(lines.size() - 1), out.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aProfileGivesTheCommand(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        Path work = Files.createDirectories(outside.resolve("work"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode project =
                json.createObjectNode().put("name", "p");
        project.putObject("config")
                .putObject("acp")
                .putObject("profiles")
                .putObject("tester")
                .set("command", json.valueToTree(TestAgent.command()));
        kaged.json("POST", "/v1/projects", project.toString(), 201);
        Out started = cli(
                "agent",
                "start",
                "--project",
                "p",
                "--profile",
                "tester",
                "--cwd",
                work.toString(),
                "--prompt",
                "say hi");
        assertEquals(0, started.exit(), started.err());
        String run = started.out().trim();
        Eventually.waitFor(TestDaemon.WAIT, "the turn ended", () -> cli("agent", "show", run)
                .out()
                .contains("-- turn ended: end_turn"));
        assertTrue(cli("agent", "show", run).out().contains("\nhi\n"));
        Out none = cli("agent", "start", "--project", "p", "--profile", "nobody", "--prompt", "x");
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("has no command for profile nobody"), none.err());
        assertEquals(0, cli("run", "cancel", run).exit());
    }

    private String approve(String run, String option) throws Exception {
        Eventually.waitFor(TestDaemon.WAIT, "the demo agent's request in kaged approvals", () -> cli("approvals")
                .out()
                .contains(run));
        String line = cli("approvals")
                .out()
                .lines()
                .filter(l -> l.contains(run))
                .findFirst()
                .orElseThrow();
        assertTrue(line.contains("Add the prompt to kaged-demo.txt"), line);
        String approval = line.split("\\s+")[0];
        Out approved = cli("approve", approval, option);
        assertEquals(0, approved.exit(), approved.err());
        return approval;
    }

    private List<String> shownAfterTurns(String run, int turns) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                turns + " turns ended",
                () -> cli("agent", "show", run).out().split("-- turn ended", -1).length == turns + 1);
        List<String> shown = cli("agent", "show", run).out().lines().toList();
        return shown.subList(1, shown.size()); // the run's own line, with the agent's long command, left out
    }

    /**
     * docs/agents.md's first steps with the demo agent kaged ships, as a new user takes them: {@code kaged agent
     * start --demo}, the approval answered with {@code kaged approve}, the daemon stopped and started again, and
     * the same conversation resumed through {@code session/load} and continued.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aNewUserTalksToTheDemoAgentApprovesItsEditAndCarriesOnAfterARestart(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        kaged = new TestDaemon(home, url, "");
        Path work = Files.createDirectories(outside.resolve("work"));

        Out mixed = cli("agent", "start", "--demo", "--cwd", work.toString(), "--", "sh");
        assertEquals(2, mixed.exit(), mixed.out());
        assertTrue(mixed.err().contains("--demo starts kaged's own demo agent"), mixed.err());

        Out started =
                cli("agent", "start", "--demo", "--retries", "1", "--cwd", work.toString(), "--prompt", "hello there");
        assertEquals(0, started.exit(), started.err());
        String run = started.out().trim();
        approve(run, "allow_once");
        List<String> first = shownAfterTurns(run, 1);
        assertTrue(first.get(0).startsWith("agent kaged-demo 1: session demo-"), first.toString());
        assertTrue(first.get(0).endsWith("(new)"), first.toString());
        assertEquals(
                List.of(
                        "> hello there",
                        "(thinking) The operator wrote 11 characters.",
                        "You said: \u201chello there\u201d. I will note it in kaged-demo.txt.",
                        "[edit completed] Add the prompt to kaged-demo.txt",
                        "Noted.",
                        "-- turn ended: end_turn"),
                first.subList(1, first.size()));
        assertEquals("hello there\n", Files.readString(work.resolve("kaged-demo.txt")));

        kaged.close();
        kaged = new TestDaemon(home, url, ""); // stop() returned: the store is free
        Eventually.waitFor(TestDaemon.WAIT, "the demo agent's session loaded again", () -> cli("agent", "show", run)
                .out()
                .lines()
                .anyMatch(l -> l.startsWith("agent kaged-demo 1: session demo-") && l.contains("(load)")));
        Out prompted = cli("agent", "prompt", run, "and again");
        assertEquals(0, prompted.exit(), prompted.err());
        approve(run, "reject_once");
        List<String> both = shownAfterTurns(run, 2);
        assertEquals(
                1, both.stream().filter("> hello there"::equals).count(), "the replayed turn is not recorded twice");
        assertEquals(
                List.of(
                        "> and again",
                        "(thinking) The operator wrote 9 characters.",
                        "You said: \u201cand again\u201d. I will note it in kaged-demo.txt.",
                        "[edit failed] Add the prompt to kaged-demo.txt",
                        "Left kaged-demo.txt as it was.",
                        "-- turn ended: end_turn"),
                both.subList(both.size() - 6, both.size()));
        assertEquals("hello there\n", Files.readString(work.resolve("kaged-demo.txt")), "a rejected edit is not made");
        assertEquals(0, cli("run", "cancel", run).exit());
    }
}
