package io.kaged.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.store.StorageTarget;
import io.kaged.persistence.store.StoreLock;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** Runs the real {@code kaged} command line in-process against a temporary KAGED_HOME. */
class CliTest {

    /** Every migration in the jar, and the schema version they lead to. */
    private static final java.util.List<io.kaged.persistence.store.Migrations.Step> BUNDLED =
            io.kaged.persistence.store.Migrations.ofNewStore().pending();

    private static final String LATEST = BUNDLED.get(BUNDLED.size() - 1).version();

    @TempDir
    Path home;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run kaged(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Map<String, String> env(String url) {
        Map<String, String> env = new HashMap<>();
        env.put("KAGED_HOME", home.toString());
        env.put("HOME", home.resolve("user").toString());
        if (url != null) {
            env.put("KAGED_DATABASE_URL", url);
        }
        return env;
    }

    @Test
    void everySubcommandAnswersHelpWithItsOwnUsage() {
        for (String[] command : new String[][] {{"run", "purge"}, {"session", "attach"}, {"db", "set"}, {"prune"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run r = kaged(env(null), args);
            assertEquals(0, r.exit(), r.all());
            assertTrue(r.out().startsWith("Usage: kaged " + String.join(" ", command) + " "), r.out());
            assertTrue(r.out().contains("--help"), r.out());
        }
        // `kaged serve` is parsed by a command line of its own (Main): same usage, same options.
        StringWriter out = new StringWriter();
        CommandLine serve = Cli.serveCommandLine(env(null));
        serve.setOut(new PrintWriter(out, true));
        assertEquals(0, serve.execute("serve", "--help"));
        String full = kaged(env(null), "serve", "--help").out();
        assertEquals(full, out.toString());
        assertTrue(full.startsWith("Usage: kaged serve "), full);
    }

    @Test
    void dbReportsTheDefaultSqliteStoreWithoutCreatingIt() {
        Run r = kaged(env(null), "db");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("engine          sqlite"), r.out());
        assertTrue(r.out().contains(home.resolve("kaged.db") + "  (not created yet"), r.out());
        assertTrue(r.out().matches("(?s).*pending\\s+" + BUNDLED.size() + " migration.*"), r.out());
        assertFalse(Files.exists(home.resolve("kaged.db")));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void migrateThenDbShowsTheSchemaWithTheUrlMasked(TestEngine engine) {
        String url = TestDatabases.newStoreUrl(engine, home);
        Run migrate = kaged(env(url), "db", "migrate");
        assertEquals(0, migrate.exit(), migrate.all());
        assertTrue(
                migrate.out()
                        .contains("schema version " + LATEST + " (" + BUNDLED.size() + " migration(s) applied now)"),
                migrate.out());
        Run db = kaged(env(url), "db");
        assertEquals(0, db.exit(), db.all());
        assertTrue(db.out().contains("schema version  " + LATEST), db.out());
        assertTrue(db.out().contains("pending         none"), db.out());
        assertTrue(db.out().contains("from KAGED_DATABASE_URL"), db.out());
        assertFalse(db.all().contains("test-secret"), db.out());
        if (engine == TestEngine.POSTGRESQL) {
            assertTrue(db.out().contains("postgres://postgres:***@localhost:"), db.out());
            assertTrue(db.out().contains("host            localhost:"), db.out());
        }
    }

    @Test
    void dbSetWritesThePrivateConfigFileAndTheNextRunUsesIt() throws Exception {
        Run set = kaged(env(null), "db", "set", "postgres://op:hunter2@db.example:5432/kaged");
        assertEquals(0, set.exit(), set.all());
        assertTrue(set.out().contains("takes effect at the next start"), set.out());
        assertFalse(set.out().contains("hunter2"), set.out());
        Path conf = home.resolve("kaged.conf");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        Run again = kaged(env(null), "db", "set", "sqlite:elsewhere.db");
        assertEquals(0, again.exit(), again.all());
        assertEquals(
                1,
                Files.readAllLines(conf).stream()
                        .filter(l -> l.startsWith("kaged.storage.url"))
                        .count());
        Run db = kaged(env(null), "db");
        assertTrue(db.out().contains(home.resolve("elsewhere.db").toString()), db.out());
        assertTrue(db.out().contains("from kaged.storage.url"), db.out());
        assertTrue(db.out().contains("config file     " + conf), db.out());
    }

    @Test
    void dbSetRefusesABadUrlAndWritesNothing() {
        Run r = kaged(env(null), "db", "set", "mysql://root:pw@h/db");
        assertEquals(Cli.MISCONFIGURED, r.exit());
        assertTrue(r.err().startsWith("kaged: kaged db set has an unusable storage URL"), r.err());
        assertFalse(r.err().contains(":pw@"), r.err());
        assertFalse(Files.exists(home.resolve("kaged.conf")));
    }

    @Test
    void aBadUrlInTheEnvironmentIsOneLineNamingTheVariable() {
        Run r = kaged(env("oracle://scott:tiger@h/db"), "db");
        assertEquals(Cli.MISCONFIGURED, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("KAGED_DATABASE_URL"), r.err());
        assertFalse(r.err().contains("tiger"), r.err());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void backupWritesAVerifiedPrivateCopyAndRestoreBringsItBack(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        assertEquals(0, kaged(env(url), "db", "migrate").exit());
        Path file = home.resolve("copies").resolve("one");
        Run backup = kaged(env(url), "backup", "--to", file.toString());
        assertEquals(0, backup.exit(), backup.all());
        assertTrue(backup.out().startsWith("Backup of "), backup.out());
        assertTrue(backup.out().contains(file.toString()), backup.out());
        assertTrue(
                backup.out().contains(engine == TestEngine.SQLITE ? "integrity check ok" : "archive readable"),
                backup.out());
        assertFalse(backup.all().contains("test-secret"), backup.all());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Run refused = kaged(env(url), "backup", "--to", file.toString());
        assertEquals(Cli.FAILED, refused.exit());
        assertTrue(refused.err().contains("already exists"), refused.err());

        Run restore = kaged(env(url), "restore", file.toString());
        assertEquals(0, restore.exit(), restore.all());
        assertTrue(restore.out().contains("previous store is kept at"), restore.out());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void restoreIsRefusedWhileADaemonHoldsTheStore(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        assertEquals(0, kaged(env(url), "db", "migrate").exit());
        Path file = home.resolve("held-copy");
        assertEquals(0, kaged(env(url), "backup", "--to", file.toString()).exit());
        StorageTarget target = StorageTarget.parse(url, "test", home);
        try (StoreLock daemon = StoreLock.tryAcquire(target).orElseThrow()) {
            Run r = kaged(env(url), "restore", file.toString());
            assertEquals(Cli.FAILED, r.exit());
            assertTrue(r.err().contains("held by a running kaged daemon"), r.err());
        }
    }

    @Test
    void backupOfAStoreThatDoesNotExistSaysHowToCreateIt() {
        Run r = kaged(env(null), "backup");
        assertEquals(Cli.FAILED, r.exit());
        assertTrue(r.err().contains("nothing to back up"), r.err());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void sessionCommandsDriveTheRunningDaemon(TestEngine engine) throws Exception {
        Map<String, String> env = env(TestDatabases.newStoreUrl(engine, home));
        io.kaged.daemon.serve.Daemon daemon =
                io.kaged.daemon.serve.Daemon.start(io.kaged.daemon.config.ConfigLoader.load(env, null), 0);
        try {
            env.put("KAGED_HTTP_PORT", String.valueOf(daemon.port()));
            Run created = kaged(env, "session", "new", "--name", "cli-shell", "--", "/bin/sh");
            assertEquals(0, created.exit(), created.all());
            String id = created.out().trim();
            assertEquals(36, id.length(), created.out());

            Run ls = kaged(env, "session", "ls");
            assertEquals(0, ls.exit(), ls.all());
            assertTrue(ls.out().startsWith("ID"), ls.out());
            assertTrue(ls.out().contains(id) && ls.out().contains("cli-shell"), ls.out());
            Run json = kaged(env, "session", "ls", "--json", "--state", "closed");
            assertTrue(json.out().contains("\"items\" : [ ]"), json.out());

            Run status = kaged(env, "status");
            assertEquals(0, status.exit(), status.all());
            assertTrue(
                    status.out().contains("daemon          running at http://127.0.0.1:" + daemon.port()),
                    status.out());

            // Attach with piped input: the banner first, then the scrollback, then why it ended.
            Run echo = kaged(
                    env,
                    "session",
                    "new",
                    "--name",
                    "cli-echo",
                    "--",
                    "/bin/sh",
                    "-c",
                    "echo scrollback-mark; exec sleep 60");
            assertEquals(0, echo.exit(), echo.all());
            String echoId = echo.out().trim();
            java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
            PrintWriter notices = new PrintWriter(
                    new java.io.OutputStreamWriter(screen, java.nio.charset.StandardCharsets.UTF_8), true);
            int attached = new SessionAttachCommand()
                    .attachPlain(
                            new io.kaged.daemon.client.DaemonClient(
                                    io.kaged.daemon.config.ConfigLoader.load(env, null), daemon.port()),
                            echoId,
                            false,
                            java.io.InputStream.nullInputStream(),
                            screen,
                            notices);
            assertEquals(0, attached);
            String shown = screen.toString(java.nio.charset.StandardCharsets.UTF_8);
            int banner = shown.indexOf("[kaged: attached to " + echoId + "]");
            int mark = shown.indexOf("scrollback-mark");
            int end = shown.indexOf("[kaged: input ended");
            assertTrue(banner == 0 && mark > banner && end > mark, shown);
            assertEquals(0, kaged(env, "session", "kill", "cli-echo").exit());

            Run pause = kaged(env, "session", "pause", "cli-shell");
            assertEquals(0, pause.exit(), pause.all());
            assertTrue(pause.out().contains("is paused"), pause.out());
            Run pauseAgain = kaged(env, "session", "pause", "cli-shell");
            assertEquals(4, pauseAgain.exit(), pauseAgain.all());
            Run resume = kaged(env, "session", "resume", "cli-shell");
            assertEquals(0, resume.exit(), resume.all());
            assertTrue(resume.out().contains("is running"), resume.out());
            Run kill = kaged(env, "session", "kill", "cli-shell");
            assertEquals(0, kill.exit(), kill.all());
            assertTrue(kill.out().contains("is closed"), kill.out());
            Run again = kaged(env, "session", "kill", id.substring(0, 13));
            assertEquals(4, again.exit(), again.all());
            assertTrue(again.err().contains("ended"), again.err());
            Run restart = kaged(env, "session", "restart", "cli-shell");
            assertEquals(0, restart.exit(), restart.all());
            // The answer reports the state the session has by then: starting, or running on a quick machine.
            assertTrue(restart.out().matches("(?s).*is (starting|running) again \\(restart 1\\).*"), restart.out());
            Run restartLive = kaged(env, "session", "restart", "cli-shell");
            assertEquals(4, restartLive.exit(), restartLive.all());
            assertTrue(restartLive.err().contains("only an ended or interrupted session"), restartLive.err());
            Run missing = kaged(env, "session", "kill", "no-such-session");
            assertEquals(5, missing.exit(), missing.all());
            Run purge = kaged(env, "session", "kill", "--purge", id);
            assertEquals(0, purge.exit(), purge.all());
            assertFalse(kaged(env, "session", "ls").out().contains(id));
        } finally {
            daemon.stop();
        }
        Run down = kaged(env, "status");
        assertEquals(3, down.exit(), down.all());
        assertTrue(down.err().contains("the daemon is not running"), down.err());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void runCommandsDispatchShowAndCancel(TestEngine engine) throws Exception {
        Map<String, String> env = env(TestDatabases.newStoreUrl(engine, home));
        io.kaged.daemon.serve.Daemon daemon =
                io.kaged.daemon.serve.Daemon.start(io.kaged.daemon.config.ConfigLoader.load(env, null), 0);
        try {
            env.put("KAGED_HTTP_PORT", String.valueOf(daemon.port()));
            Run parent = kaged(env, "run", "start", "--", "sleep", "30");
            assertEquals(0, parent.exit(), parent.all());
            String parentId = parent.out().trim();
            Run child = kaged(env, "run", "start", "--parent", parentId, "--wait", "--", "/bin/sh", "-c", "exit 4");
            assertEquals(4, child.exit(), "the exit code of the run is the command's: " + child.all());
            assertTrue(child.err().contains("failed with exit code 4"), child.err());

            Run ls = kaged(env, "run", "ls", "--parent", parentId);
            assertEquals(0, ls.exit(), ls.all());
            assertTrue(
                    ls.out().startsWith("ID") && ls.out().contains(child.out().trim()), ls.out());
            Run show = kaged(env, "run", "show", parentId);
            assertTrue(show.out().contains("children   1"), show.out());
            Run none = kaged(env, "run", "checkpoint", parentId);
            assertEquals(0, none.exit(), none.all());
            assertTrue(
                    none.err()
                            .contains("has no checkpoints yet; take one with: kaged run checkpoint " + parentId
                                    + " --take"),
                    none.all());

            Run pause = kaged(env, "run", "pause", parentId);
            assertEquals(0, pause.exit(), pause.all());
            assertTrue(pause.out().contains("is paused"), pause.out());
            assertEquals(4, kaged(env, "run", "pause", parentId).exit());
            // a label implies --take
            Run taken = kaged(env, "run", "checkpoint", parentId, "--label", "mid-way");
            assertEquals(0, taken.exit(), taken.all());
            Run checkpoints = kaged(env, "run", "checkpoint", parentId);
            assertTrue(checkpoints.out().contains("pause") && checkpoints.out().contains("mid-way"), checkpoints.out());
            Run resume = kaged(env, "run", "resume", parentId);
            assertTrue(resume.out().contains("is running"), resume.all());
            Run rollback = kaged(env, "run", "rollback", parentId);
            assertEquals(0, rollback.exit(), rollback.all());
            String newest =
                    checkpoints.out().lines().reduce((a, b) -> b).orElseThrow().split(" ")[0];
            assertTrue(
                    rollback.out().contains("back to checkpoint " + newest)
                            && rollback.out().contains("is queued"),
                    rollback.out());
            assertEquals(
                    5,
                    kaged(env, "run", "rollback", parentId, "no-such-checkpoint")
                            .exit());
            Run history = kaged(env, "run", "show", parentId, "--history");
            assertEquals(0, history.exit(), history.all());
            assertTrue(
                    history.out()
                            .matches("(?s).*SEQ +AT +EVENT +DETAIL.*CheckpointTaken +checkpoint " + newest
                                    + " \"mid-way\".*RolledBack +to checkpoint " + newest + ".*"),
                    history.out());

            Run cancel = kaged(env, "run", "cancel", parentId);
            assertEquals(0, cancel.exit(), cancel.all());
            assertTrue(cancel.out().contains("is cancelled"), cancel.out());
            assertEquals(4, kaged(env, "run", "cancel", parentId).exit());
            assertEquals(5, kaged(env, "run", "show", "no-such-run").exit());
            // an id typed wrong, with characters a URL cannot hold: the daemon's own answer, not a client error
            Run garbled = kaged(env, "run", "show", "kaged: not {an} id");
            assertEquals(5, garbled.exit(), garbled.all());
            assertTrue(
                    garbled.err().contains("No run with id 'kaged: not {an} id'")
                            && !garbled.err().contains("Exception"),
                    garbled.all());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void projectAndPromptCommandsKeepEveryVersion(TestEngine engine) throws Exception {
        Map<String, String> env = env(TestDatabases.newStoreUrl(engine, home));
        io.kaged.daemon.serve.Daemon daemon =
                io.kaged.daemon.serve.Daemon.start(io.kaged.daemon.config.ConfigLoader.load(env, null), 0);
        try {
            env.put("KAGED_HTTP_PORT", String.valueOf(daemon.port()));
            Run created = kaged(env, "project", "new", "agents", "--config", "{\"model\":\"m1\"}");
            assertEquals(0, created.exit(), created.all());
            assertEquals("Project agents created.\n", created.out());
            assertEquals(0, kaged(env, "project", "new", "beta").exit());
            Run dup = kaged(env, "project", "new", "agents");
            assertEquals(4, dup.exit(), dup.all());
            assertTrue(dup.err().contains("exists already"), dup.err());
            Run badConfig = kaged(env, "project", "new", "gamma", "--config", "[1]");
            assertEquals(1, badConfig.exit(), badConfig.all());
            assertTrue(badConfig.err().contains("'config' must be a JSON object"), badConfig.err());
            assertEquals(
                    2,
                    kaged(env, "project", "new", "gamma", "--config", "{nope").exit());

            Run ls = kaged(env, "project", "ls");
            assertEquals(0, ls.exit(), ls.all());
            assertTrue(ls.out().startsWith("NAME"), ls.out());
            assertTrue(ls.out().indexOf("agents") < ls.out().indexOf("beta"), ls.out());
            assertTrue(kaged(env, "project", "ls", "--json").out().contains("\"model\" : \"m1\""));

            Path v1 = home.resolve("review-v1.txt");
            Files.writeString(v1, "Review the code.\nBe brief.\n");
            Run set1 = kaged(env, "prompt", "set", "agents", "review", "--file", v1.toString(), "--author", "alice");
            assertEquals(0, set1.exit(), set1.all());
            assertTrue(set1.out().contains("is now version 1"), set1.out());
            Run set2 = kaged(env, "prompt", "set", "agents", "review", "--text", "Review the code.\nBe kind.\n");
            assertTrue(set2.out().contains("is now version 2"), set2.all());
            assertEquals(2, kaged(env, "prompt", "set", "agents", "review").exit(), "--file or --text is required");
            assertEquals(
                    2,
                    kaged(env, "prompt", "set", "agents", "review", "--text", "a", "--file", v1.toString())
                            .exit(),
                    "--file and --text exclude each other");

            assertEquals(
                    "Review the code.\nBe kind.\n",
                    kaged(env, "prompt", "show", "agents", "review").out());
            assertEquals(
                    "Review the code.\nBe brief.\n",
                    kaged(env, "prompt", "show", "agents", "review", "--version", "1")
                            .out());
            Run versions = kaged(env, "prompt", "versions", "agents", "review");
            assertEquals(0, versions.exit(), versions.all());
            assertTrue(versions.out().startsWith("VERSION"), versions.out());
            assertTrue(versions.out().contains("alice"), versions.out());
            assertEquals(3, versions.out().lines().count(), versions.out());
            assertTrue(kaged(env, "prompt", "versions", "agents", "review", "--json")
                    .out()
                    .contains("\"version\" : 2"));
            Run diff = kaged(env, "prompt", "diff", "agents", "review", "1", "2");
            assertEquals(0, diff.exit(), diff.all());
            assertEquals(
                    "--- agents/review@1\n+++ agents/review@2\n@@ -1,2 +1,2 @@\n Review the code.\n-Be brief.\n+Be kind.\n",
                    diff.out());

            Run show = kaged(env, "project", "show", "agents");
            assertEquals(0, show.exit(), show.all());
            assertTrue(show.out().contains("\"model\" : \"m1\""), show.out());
            assertTrue(
                    show.out().matches("(?s).*review\\s+2\\s+" + System.getProperty("user.name") + ".*"), show.out());

            assertEquals(5, kaged(env, "project", "show", "nope").exit());
            assertEquals(5, kaged(env, "prompt", "show", "agents", "nope").exit());
            assertEquals(
                    5,
                    kaged(env, "prompt", "show", "agents", "review", "--version", "9")
                            .exit());
            assertEquals(
                    5,
                    kaged(env, "prompt", "set", "nope", "review", "--text", "x").exit());
            Run missingFile = kaged(
                    env,
                    "prompt",
                    "set",
                    "agents",
                    "review",
                    "--file",
                    home.resolve("none").toString());
            assertEquals(1, missingFile.exit(), missingFile.all());
            assertTrue(missingFile.err().contains("cannot read"), missingFile.err());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void queryCommandsFilterPageSearchAuditAndCount(TestEngine engine) throws Exception {
        Map<String, String> env = env(TestDatabases.newStoreUrl(engine, home));
        io.kaged.daemon.serve.Daemon daemon =
                io.kaged.daemon.serve.Daemon.start(io.kaged.daemon.config.ConfigLoader.load(env, null), 0);
        try {
            env.put("KAGED_HTTP_PORT", String.valueOf(daemon.port()));
            Run failed = kaged(
                    env, "run", "start", "--project", "p1", "--wait", "--", "/bin/sh", "-c", "echo cli-needle; exit 3");
            assertEquals(3, failed.exit(), failed.all());
            String failedId = failed.out().trim();
            Run ok = kaged(env, "run", "start", "--wait", "--", "true");
            assertEquals(0, ok.exit(), ok.all());
            String okId = ok.out().trim();

            Run byExit = kaged(env, "run", "ls", "--exit-code", "3");
            assertEquals(0, byExit.exit(), byExit.all());
            assertTrue(byExit.out().contains(failedId) && !byExit.out().contains(okId), byExit.out());
            Run byCommand = kaged(env, "run", "ls", "--command", "true", "--json");
            com.fasterxml.jackson.databind.JsonNode page =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(byCommand.out());
            assertEquals(1, page.get("items").size(), byCommand.out());
            assertEquals(okId, page.get("items").get(0).get("id").asText());
            assertTrue(page.get("next").isNull());
            Run search = kaged(env, "run", "ls", "--output-contains", "cli-needle");
            assertTrue(search.out().lines().findFirst().orElse("").contains("MATCH"), search.out());
            assertTrue(search.out().contains(failedId) && !search.out().contains(okId), search.out());
            assertTrue(search.out().contains("cli-needle"), search.out());
            assertTrue(kaged(env, "run", "ls", "--since", "1h").out().contains(okId));
            Run old = kaged(env, "run", "ls", "--until", "2000-01-01");
            assertEquals(1, old.out().lines().count(), "only the header: " + old.out());

            Run firstPage = kaged(env, "run", "ls", "--limit", "1");
            assertTrue(firstPage.out().contains(failedId) && !firstPage.out().contains(okId), firstPage.out());
            assertTrue(firstPage.err().contains("More: add --after " + failedId), firstPage.err());
            Run secondPage = kaged(env, "run", "ls", "--limit", "1", "--after", failedId);
            assertTrue(secondPage.out().contains(okId), secondPage.out());
            assertEquals("", secondPage.err(), "the last page has no next");
            Run newest = kaged(env, "run", "ls", "--order", "desc", "--limit", "1");
            assertTrue(newest.out().contains(okId), newest.out());

            Run badTime = kaged(env, "run", "ls", "--since", "yesterday");
            assertEquals(2, badTime.exit(), badTime.all());
            assertTrue(badTime.err().contains("is not a time"), badTime.err());

            Run audit = kaged(env, "audit", "--kind", "run.*", "--subject", failedId);
            assertEquals(0, audit.exit(), audit.all());
            java.util.List<String> lines = audit.out().lines().toList();
            assertTrue(lines.get(0).matches("AT +KIND +SUBJECT +OUTCOME +ACTOR +DETAIL"), audit.out());
            assertEquals(2, lines.size(), audit.out());
            assertTrue(lines.get(1).contains("run.dispatch") && lines.get(1).contains(failedId), audit.out());
            Run auditJson = kaged(env, "audit", "--json", "--limit", "1", "--since", "1h");
            assertEquals(
                    1,
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(auditJson.out())
                            .get("items")
                            .size(),
                    auditJson.out());
            Run badKind = kaged(env, "audit", "--kind", "Run Dispatch");
            assertEquals(1, badKind.exit(), badKind.all());
            assertTrue(badKind.err().contains("'kind'"), badKind.err());

            Run stats = kaged(env, "stats");
            assertEquals(0, stats.exit(), stats.all());
            assertTrue(stats.out().matches("(?s).*runs +2 \\(failed 1, succeeded 1\\).*"), stats.out());
            assertTrue(stats.out().matches("(?s).*exit codes +0: 1, 3: 1.*"), stats.out());
            assertTrue(stats.out().matches("(?s).*success +50\\.0%.*"), stats.out());
            Run p1 = kaged(env, "stats", "--project", "p1", "--json");
            com.fasterxml.jackson.databind.JsonNode p1Stats =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(p1.out());
            assertEquals(1, p1Stats.get("runs").get("total").asInt(), p1.out());
            Run byProject = kaged(env, "stats", "--by-project");
            assertTrue(
                    byProject
                            .out()
                            .matches("(?s).*PROJECT +SESSIONS +RUNS +FAILED +SUCCESS +EVENTS +SNAPSHOTS\\n"
                                    + "p1 +0 +1 +1 +0\\.0% .*"),
                    byProject.out());

            Run sessions = kaged(env, "session", "ls", "--since", "1h", "--json");
            assertEquals(0, sessions.exit(), sessions.all());
            assertTrue(sessions.out().contains("\"items\" : [ ]"), sessions.out());
        } finally {
            daemon.stop();
        }
    }
}
