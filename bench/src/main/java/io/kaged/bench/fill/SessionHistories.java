package io.kaged.bench.fill;

import io.kaged.actors.session.RestartPolicy;
import io.kaged.actors.session.SessionActor;
import io.kaged.actors.session.SessionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The made-up terminal sessions, each as the events its {@link SessionActor} would have persisted:
 * created, started, some output, then exited or closed. None is left live, for the same reason as runs.
 */
final class SessionHistories {

    /** One session as planned. */
    record PlannedSession(int index, String id, String outcome, int exitCode, List<SessionActor.Event> events) {
        String persistenceId() {
            return SessionActor.persistenceId(id).id();
        }
    }

    private static final List<List<String>> COMMANDS =
            List.of(List.of("/bin/bash", "-l"), List.of("claude"), List.of("htop"), List.of("/usr/bin/zsh"));
    private static final List<String> SCREEN = List.of(
            "\u001b[32mop@build\u001b[0m:~/src$ git status",
            "On branch main\nnothing to commit, working tree clean",
            "op@build:~/src$ make -j2",
            "op@build:~/src$ tail -f /var/log/syslog");

    private final long seed;
    private final Timeline times;

    SessionHistories(FillOptions o) {
        this.seed = o.seed();
        this.times = Timeline.of(o.sessions(), o.start(), o.end(), new Random(o.seed() + 1));
    }

    Timeline timeline() {
        return times;
    }

    int size() {
        return times.size();
    }

    PlannedSession plan(int i) {
        Random r = new Random(seed * 7_000_003L + i);
        String id = times.id(i);
        long at = times.at(i);
        String project = Mix.project(r);
        SessionSpec spec = new SessionSpec(
                Mix.pick(r, COMMANDS),
                "/home/op/src/" + (project == null ? "scratch" : project),
                Map.of("TERM", "xterm-256color"),
                120,
                40,
                "shell-" + i,
                project,
                RestartPolicy.NEVER,
                null,
                null);
        List<SessionActor.Event> events = new ArrayList<>();
        events.add(new SessionActor.Created(id, spec, at));
        long started = at + 100 + r.nextInt(400);
        events.add(new SessionActor.ProcessStarted(10_000 + r.nextInt(4_000_000), started));
        long ended = started + Mix.duration(r, 60_000, 3 * 86_400_000L);
        int chunks = 1 + r.nextInt(5);
        long kept = 0;
        for (int c = 1; c <= chunks; c++) {
            byte[] data = Mix.output(r, SCREEN, 1 + r.nextInt(20));
            kept += data.length;
            long when = started + (ended - started) * c / (chunks + 1);
            events.add(new SessionActor.OutputRecorded(c, data.length, 1, kept, when, data));
        }
        boolean closed = r.nextInt(3) == 0;
        int exitCode = closed ? 143 : r.nextInt(5) == 0 ? 130 : 0;
        if (closed) {
            events.add(new SessionActor.Closed(ended));
            events.add(new SessionActor.ProcessExited(exitCode, false, ended + 30));
        } else {
            events.add(new SessionActor.ProcessExited(exitCode, false, ended));
        }
        return new PlannedSession(i, id, closed ? "closed" : "exited", exitCode, List.copyOf(events));
    }
}
