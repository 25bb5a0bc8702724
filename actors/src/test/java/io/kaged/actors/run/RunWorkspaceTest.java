package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.workspace.FolderState;
import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A run with a workspace: its checkpoints record its files, and a rollback puts them back. */
class RunWorkspaceTest {

    @TempDir
    Path home;

    static List<Arguments> cases() {
        return java.util.Arrays.stream(TestEngine.values())
                .flatMap(e -> java.util.stream.Stream.of(Arguments.of(e, true), Arguments.of(e, false)))
                .toList();
    }

    /**
     * The run changes files, the checkpoint is taken, the run changes more; after the rollback the folder
     * equals the checkpoint's files byte for byte (the new attempt re-does the same first changes, which
     * leave them as they were), and the folder's own .git is untouched.
     */
    @ParameterizedTest(name = "{0}, git repository: {1}")
    @MethodSource("cases")
    void rollbackPutsTheWorkspaceBackAsTheCheckpointRecordedIt(TestEngine engine, boolean gitRepository)
            throws Exception {
        Path ws = Files.createDirectories(home.resolve("ws"));
        Files.writeString(ws.resolve("README.md"), "hello\n");
        Files.writeString(ws.resolve("gone.txt"), "to be deleted\n");
        Files.writeString(ws.resolve("kept.txt"), "kept\n");
        Files.writeString(ws.resolve(".gitignore"), "*.log\n");
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
        Path go = home.resolve("go");
        String script = "echo changed > README.md; rm -f gone.txt; echo added > added.txt; echo ready;"
                + " while [ ! -f " + go + " ]; do sleep 0.02; done;"
                + " echo more >> README.md; rm kept.txt; mkdir -p new/deep; echo new > new/deep/file.txt;"
                + " echo log >> run.log; echo done; sleep 600";
        String overrides = "kaged.workspaces.dir = \"" + home.resolve("workspaces") + "\"";
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home, overrides)) {
            RunSpec spec = new RunSpec(
                    List.of("/bin/sh", "-c", script),
                    ws.toString(),
                    Map.of(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    null,
                    true,
                    null,
                    null);
            f.dispatch("w1", spec);
            Eventually.waitFor(
                    RunFixture.WAIT, "ready", () -> f.output("w1", false).equals("ready\n"));
            String checkpoint = f.<String>ask("w1", r -> new RunActor.Checkpoint("after ready", r))
                    .getValue();
            Map<String, String> atCheckpoint = FolderState.of(ws, ".git");
            RunActor.WorkspaceRecorded recorded =
                    f.events("w1", RunActor.WorkspaceRecorded.class).get(0);
            assertEquals(checkpoint, recorded.checkpointId());
            assertNotNull(recorded.snapshot(), recorded.toString());
            assertEquals(4, recorded.files(), "README.md, kept.txt, added.txt, .gitignore");

            Files.createFile(go);
            Eventually.waitFor(
                    RunFixture.WAIT, "done", () -> f.output("w1", false).equals("ready\ndone\n"));
            Files.delete(go);
            String logAfter = Files.readString(ws.resolve("run.log"));

            RunSummary back = f.<RunSummary>ask("w1", r -> new RunActor.Rollback(checkpoint, r))
                    .getValue();
            assertEquals("queued", back.state());
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the new attempt's output",
                    () -> f.view("w1").attempts() == 2 && f.output("w1", false).equals("ready\nready\n"));

            assertEquals(
                    atCheckpoint.keySet().stream()
                            .filter(p -> !p.equals("run.log"))
                            .toList(),
                    FolderState.of(ws, ".git", "run.log").keySet().stream().toList());
            assertEquals(withoutLog(atCheckpoint), FolderState.of(ws, ".git", "run.log"));
            assertFalse(Files.exists(ws.resolve("new")));
            assertEquals(logAfter, Files.readString(ws.resolve("run.log")), "an ignored file is left alone");
            if (gitRepository) {
                assertEquals(gitBefore, FolderState.hash(ws.resolve(".git")), "the folder's .git is untouched");
            }
            RunActor.WorkspaceRestored restored =
                    f.events("w1", RunActor.WorkspaceRestored.class).get(0);
            assertEquals(checkpoint, restored.checkpointId());
            assertEquals(List.of("new/deep/file.txt"), restored.addedPaths());
            assertEquals(List.of("README.md"), restored.modifiedPaths());
            assertEquals(List.of("kept.txt"), restored.deletedPaths());
            assertEquals(List.of(1, 1, 1), List.of(restored.added(), restored.modified(), restored.deleted()));
            List<AuditEntry> audit = StoreExtension.store(f.kit.system().classicSystem())
                    .read(c -> AuditLog.latest(c, "run.workspace.restore", 10))
                    .join();
            assertEquals(1, audit.size());
            assertEquals("w1", audit.get(0).subject());
            assertEquals("ok", audit.get(0).outcome());
            assertTrue(
                    audit.get(0).detail().contains("new/deep/file.txt"),
                    audit.get(0).detail());

            // a pause is a checkpoint too: its files are recorded under the pause's checkpoint id
            f.<RunSummary>ask("w1", RunActor.Pause::new).getValue();
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the pause's snapshot",
                    () -> f.events("w1", RunActor.WorkspaceRecorded.class).size() == 2);
            String paused = f.events("w1", RunActor.Paused.class).get(0).checkpointId();
            assertEquals(
                    paused,
                    f.events("w1", RunActor.WorkspaceRecorded.class).get(1).checkpointId());
            f.<RunSummary>ask("w1", RunActor.Cancel::new);
        }
    }

    /**
     * A restore that cannot be done (a folder of ignored files stands where the checkpoint has a file) keeps
     * the attempt from starting, with the reason; once the way is clear, a rollback restores and starts.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aFailedRestoreKeepsTheAttemptFromStartingAndSaysWhy(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("ws"));
        Files.writeString(ws.resolve("x"), "x at the checkpoint\n");
        Files.writeString(ws.resolve(".gitignore"), "*.log\n");
        Path go = home.resolve("go");
        String script = "echo ready; while [ ! -f " + go + " ]; do sleep 0.02; done;"
                + " rm x; mkdir x; echo log > x/a.log; echo done; sleep 600";
        String overrides = "kaged.workspaces.dir = \"" + home.resolve("workspaces") + "\"";
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home, overrides)) {
            f.dispatch("w2", workspaceRun(script, ws));
            Eventually.waitFor(
                    RunFixture.WAIT, "ready", () -> f.output("w2", false).equals("ready\n"));
            String checkpoint =
                    f.<String>ask("w2", r -> new RunActor.Checkpoint(null, r)).getValue();
            Files.createFile(go);
            Eventually.waitFor(
                    RunFixture.WAIT, "done", () -> f.output("w2", false).equals("ready\ndone\n"));
            Files.delete(go);

            f.<RunSummary>ask("w2", r -> new RunActor.Rollback(checkpoint, r)).getValue();

            Eventually.waitFor(
                    RunFixture.WAIT, "failed", () -> f.view("w2").state().equals("failed"));
            RunActor.WorkspaceRestored failed =
                    f.events("w2", RunActor.WorkspaceRestored.class).get(0);
            assertTrue(failed.error().contains("a folder is in its place"), failed.error());
            assertTrue(f.events("w2", RunActor.AttemptFailedToStart.class)
                    .get(0)
                    .reason()
                    .contains("could not be restored to checkpoint " + checkpoint));
            assertEquals(
                    "failed",
                    StoreExtension.store(f.kit.system().classicSystem())
                            .read(c -> AuditLog.latest(c, "run.workspace.restore", 10))
                            .join()
                            .get(0)
                            .outcome());

            Files.delete(ws.resolve("x/a.log"));
            Files.delete(ws.resolve("x"));
            f.<RunSummary>ask("w2", r -> new RunActor.Rollback(checkpoint, r)).getValue();
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the new attempt",
                    () -> f.output("w2", false).equals("ready\nready\n")
                            && f.events("w2", RunActor.WorkspaceRestored.class).size() == 2);
            assertEquals("x at the checkpoint\n", Files.readString(ws.resolve("x")));
            assertEquals(
                    null,
                    f.events("w2", RunActor.WorkspaceRestored.class).get(1).error());
            f.<RunSummary>ask("w2", RunActor.Cancel::new);
        }
    }

    private static RunSpec workspaceRun(String script, Path ws) {
        return new RunSpec(
                List.of("/bin/sh", "-c", script),
                ws.toString(),
                Map.of(),
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                null,
                true,
                null,
                null);
    }

    private static Map<String, String> withoutLog(Map<String, String> state) {
        Map<String, String> copy = new java.util.TreeMap<>(state);
        copy.remove("run.log");
        return copy;
    }
}
