package io.kaged.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState;
import io.kaged.actors.session.RestartPolicy;
import io.kaged.actors.session.SessionActor;
import io.kaged.actors.session.SessionSpec;
import io.kaged.actors.session.SessionState;
import io.kaged.actors.session.Transcript;
import io.kaged.persistence.serialization.PayloadCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Journals and snapshots written before the actors were split into protocol, state and behaviour files
 * still read: {@code stored/v1-payloads.tsv} holds, one a line, the manifest and JSON that the earlier
 * code wrote for every event and snapshot state of runs and sessions. Events must also still be written
 * exactly so (same class name, same JSON); states are written under their new class names with the
 * same JSON.
 */
class StoredFormatsTest {

    private static ActorSystem<Void> system;
    private static PayloadCodec codec;
    private static int jsonSerializer;

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "stored-formats");
        codec = new PayloadCodec(system.classicSystem());
        jsonSerializer = SerializationExtension.get(system)
                .serializerFor(RunActor.Cancelled.class)
                .identifier();
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private record Stored(String manifest, String json) {}

    private static List<Stored> stored() throws IOException {
        List<Stored> rows = new ArrayList<>();
        try (InputStream in = StoredFormatsTest.class.getResourceAsStream("/stored/v1-payloads.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] cols = line.split("\t", 2);
                rows.add(new Stored(cols[0], cols[1]));
            }
        }
        return rows;
    }

    /** What each stored line means, in the order of the file. */
    private static List<Object> expected() {
        RunSpec rs = new RunSpec(
                List.of("sh", "-c", "echo hi"), "/tmp", Map.of("A", "1"), "in", "p1", null, "proj", 5000L, 2);
        SessionSpec ss = new SessionSpec(
                List.of("bash"),
                "/tmp",
                Map.of("B", "2"),
                80,
                24,
                "name",
                "proj",
                RestartPolicy.ON_FAILURE,
                null,
                null);
        RunState.Run run = new RunState.Run("r1", rs, 1000L, 2, 5, 1);
        SessionState.Session session = new SessionState.Session(
                "s1",
                ss,
                1000L,
                1,
                0,
                new Transcript(3, List.of(new Transcript.Chunk(1, 10), new Transcript.Chunk(2, 20))));
        return List.of(
                new RunActor.Dispatched("r1", rs, 1000L),
                new RunActor.AttemptStarted(1, 4242L, 1001L),
                new RunActor.AttemptFailedToStart(1, "no such file", true, 1002L),
                new RunActor.OutputRecorded("stdout", 1, 3, 1003L, null),
                new RunActor.AttemptEnded(1, 3, false, true, 1004L),
                new RunActor.Cancelled(1005L),
                new RunActor.Paused("cp1", 1006L),
                new RunActor.Resumed(1007L),
                new RunActor.CheckpointTaken("cp2", "label", 1008L),
                new RunActor.Interrupted(false, 1009L),
                new RunActor.RolledBack("cp1", 7L, "running", 1, true, 3L, 1010L),
                new RunState.Empty(),
                new RunState.Queued(run),
                new RunState.Running(run, 4242L, 1001L),
                new RunState.Paused(run, 4242L, 1001L),
                new RunState.Finished(run, "failed", 3, 1004L),
                new SessionActor.Created("s1", ss, 1000L),
                new SessionActor.ProcessStarted(4343L, 1001L),
                new SessionActor.StartFailed("nope", true, 1002L),
                new SessionActor.Paused(1003L),
                new SessionActor.Resumed(1004L),
                new SessionActor.Resized(100, 30, 1005L),
                new SessionActor.OutputRecorded(3, 20, 2, 30, 1006L, null),
                new SessionActor.ProcessExited(1, true, 1007L),
                new SessionActor.Interrupted(true, 1008L),
                new SessionActor.Closed(1009L),
                new SessionState.Empty(),
                new SessionState.Starting(session),
                new SessionState.Running(session, 4343L, 1001L),
                new SessionState.Paused(session, 4343L, 1001L),
                new SessionState.Ended(session, "exited", 0, 1010L));
    }

    @Test
    void readsEveryEventAndSnapshotStateAsStoredBefore() throws Exception {
        List<Stored> rows = stored();
        List<Object> expected = expected();
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Stored row = rows.get(i);
            byte[] bytes = row.json().getBytes(StandardCharsets.UTF_8);
            // twice: the first read goes through Pekko, later ones of a class may be read directly
            for (int read = 0; read < 2; read++) {
                assertEquals(expected.get(i), codec.decode(jsonSerializer, row.manifest(), bytes), row.manifest());
            }
        }
    }

    @Test
    void writesEventsUnderTheSameNamesAndStatesWithTheSameJson() throws Exception {
        List<Stored> rows = stored();
        List<Object> expected = expected();
        for (int i = 0; i < rows.size(); i++) {
            Object value = expected.get(i);
            PayloadCodec.Encoded encoded = codec.encode(value);
            assertEquals(
                    rows.get(i).json(),
                    new String(encoded.bytes(), StandardCharsets.UTF_8),
                    rows.get(i).manifest());
            if (value instanceof RunActor.Event || value instanceof SessionActor.Event) {
                assertEquals(rows.get(i).manifest(), encoded.manifest());
            } else {
                assertEquals(value.getClass().getName(), encoded.manifest());
            }
        }
    }

    @Test
    void keepsTheJudgementOfASessionsRunInItsExitEvent() throws Exception {
        SessionActor.ProcessExited exited = new SessionActor.ProcessExited(1, true, 1007L, true);
        PayloadCodec.Encoded encoded = codec.encode(exited);
        assertEquals(
                "{\"exitCode\":1,\"willRestart\":true,\"at\":1007,\"healthyRun\":true}",
                new String(encoded.bytes(), StandardCharsets.UTF_8));
        assertEquals(exited, codec.decode(encoded.serializerId(), encoded.manifest(), encoded.bytes()));
    }
}
