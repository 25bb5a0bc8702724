package io.kaged.bench.fill;

import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The made-up runs: who is whose child, and each run's life as the events its {@link RunActor} would have
 * persisted (dispatch, attempts with output, retries, cancel, timeout), so the journal replays to the
 * same state the query tables show. Every run is finished: a live one would be recovered, and its
 * command started, by the next daemon.
 *
 * <p>The tree and the times come from one pass over the seed; each run's own details from a random of
 * its own, so a run is the same however many are written at once.
 */
final class RunHistories {

    /** One run as planned: its events and what they must add up to. */
    record PlannedRun(
            int index,
            String id,
            int depth,
            String outcome,
            Integer exitCode,
            int attempts,
            List<RunActor.Event> events) {
        String persistenceId() {
            return RunActor.persistenceId(id).id();
        }
    }

    static final int MAX_DEPTH = 2;
    /** 70% of runs allow no retry, 20% one, 10% two. */
    private static final int[] RETRY_WEIGHTS = {70, 20, 10};

    private static final int[] FAILURE_CODES = {1, 2, 101, 127, 137, 130};
    private static final int[] FAILURE_WEIGHTS = {60, 15, 5, 5, 10, 5};
    private static final int SIGTERM_EXIT = 143;

    private final long seed;
    private final Timeline times;
    private final Timeline sessions;
    private final int[] parent;
    private final int[] depth;
    private final String[] project;

    RunHistories(FillOptions o, Timeline sessions) {
        this.seed = o.seed();
        this.sessions = sessions;
        Random r = new Random(o.seed());
        this.times = Timeline.of(o.runs(), o.start(), o.end(), r);
        int n = o.runs();
        parent = new int[n];
        depth = new int[n];
        project = new String[n];
        for (int i = 0; i < n; i++) {
            parent[i] = -1;
            project[i] = Mix.project(r);
            // A quarter of the runs are subagents of a run started shortly before them.
            if (i > 0 && r.nextInt(4) == 0) {
                int j = i - 1 - r.nextInt(Math.min(i, 20));
                if (depth[j] < MAX_DEPTH) {
                    parent[i] = j;
                    depth[i] = depth[j] + 1;
                    project[i] = project[j];
                }
            }
        }
    }

    int size() {
        return times.size();
    }

    Timeline timeline() {
        return times;
    }

    int depth(int i) {
        return depth[i];
    }

    PlannedRun plan(int i) {
        Random r = new Random(seed * 1_000_003L + i);
        String id = times.id(i);
        Mix.Program program = depth[i] > 0 ? Mix.PROGRAMS.get(0) : Mix.program(r);
        String outcome = outcome(r);
        int retries = outcome.equals("timed-out") ? 0 : Mix.weighted(r, RETRY_WEIGHTS);
        Long timeoutMs = outcome.equals("timed-out") || r.nextInt(10) == 0 ? Mix.duration(r, 60_000, 3_600_000) : null;
        String session = sessions.size() > 0 && r.nextInt(10) == 0 ? sessions.id(sessions.latestAt(times.at(i))) : null;
        String name = program.argv().get(0);
        boolean agent = name.equals("claude") || name.equals("codex") || name.endsWith("python3");
        RunSpec spec = new RunSpec(
                program.argv(),
                "/home/op/src/" + (project[i] == null ? "scratch" : project[i]),
                agent ? Map.of() : Map.of("CI", "1"),
                agent ? Mix.pick(r, Mix.PROMPTS) : null,
                parent[i] < 0 ? null : times.id(parent[i]),
                session,
                project[i],
                timeoutMs,
                retries);
        return new Life(id, i, r, program, outcome, spec).events();
    }

    private static String outcome(Random r) {
        int x = r.nextInt(100);
        return x < 68 ? "succeeded" : x < 88 ? "failed" : x < 94 ? "cancelled" : "timed-out";
    }

    /** Builds one run's events in time order, the way the actor would have persisted them. */
    private final class Life {
        private final String id;
        private final int index;
        private final Random r;
        private final Mix.Program program;
        private final String outcome;
        private final RunSpec spec;
        private final List<RunActor.Event> events = new ArrayList<>();
        private long now;
        private long chunk = 1;

        Life(String id, int index, Random r, Mix.Program program, String outcome, RunSpec spec) {
            this.id = id;
            this.index = index;
            this.r = r;
            this.program = program;
            this.outcome = outcome;
            this.spec = spec;
            this.now = times.at(index);
        }

        PlannedRun events() {
            events.add(new RunActor.Dispatched(id, spec, now));
            if (outcome.equals("cancelled") && r.nextInt(10) < 3) {
                events.add(new RunActor.Cancelled(later(50, 5_000)));
                return planned(null, 0);
            }
            for (int attempt = 1; ; attempt++) {
                long started = later(20, 300);
                events.add(new RunActor.AttemptStarted(attempt, 1_000 + r.nextInt(4_000_000), started));
                long duration = outcome.equals("timed-out") ? spec.timeoutMs() : Mix.duration(r, 500, 1_800_000);
                output("stdout", Mix.output(r, program.lines(), 1 + r.nextInt(4)), started + duration / 2);
                long ended = started + duration;
                boolean mayRetry = attempt <= spec.retries();
                switch (outcome) {
                    case "succeeded" -> {
                        if (mayRetry && r.nextInt(4) == 0) {
                            fail(attempt, failureCode(), true, ended);
                            continue;
                        }
                        end(attempt, 0, false, false, ended);
                        return planned(0, attempt);
                    }
                    case "failed" -> {
                        int code = failureCode();
                        fail(attempt, code, mayRetry, ended);
                        if (mayRetry) {
                            continue;
                        }
                        return planned(code, attempt);
                    }
                    case "timed-out" -> {
                        end(attempt, SIGTERM_EXIT, true, false, ended);
                        return planned(SIGTERM_EXIT, attempt);
                    }
                    default -> {
                        events.add(new RunActor.Cancelled(ended));
                        end(attempt, SIGTERM_EXIT, false, false, ended + 20 + r.nextInt(200));
                        return planned(SIGTERM_EXIT, attempt);
                    }
                }
            }
        }

        private PlannedRun planned(Integer exitCode, int attempts) {
            return new PlannedRun(index, id, depth[index], outcome, exitCode, attempts, List.copyOf(events));
        }

        private long later(int minMs, int maxMs) {
            now += minMs + r.nextInt(maxMs - minMs);
            return now;
        }

        private int failureCode() {
            return FAILURE_CODES[Mix.weighted(r, FAILURE_WEIGHTS)];
        }

        private void fail(int attempt, int code, boolean willRetry, long at) {
            String error = Mix.pick(r, Mix.ERRORS) + "\n";
            output("stderr", error.getBytes(java.nio.charset.StandardCharsets.UTF_8), at - 1);
            end(attempt, code, false, willRetry, at);
            if (willRetry) {
                now = at + 1_000 + r.nextInt(3_000);
            }
        }

        private void end(int attempt, int code, boolean timedOut, boolean willRetry, long at) {
            events.add(new RunActor.AttemptEnded(attempt, code, timedOut, willRetry, at));
            now = at;
        }

        private void output(String stream, byte[] data, long at) {
            events.add(new RunActor.OutputRecorded(stream, chunk++, data.length, at, data));
        }
    }
}
