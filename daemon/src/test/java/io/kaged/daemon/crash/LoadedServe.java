package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code kaged serve} started under the crash tests' load, and the checks that every crash test makes at
 * its start and its end, whatever it does to the daemon in between (kill -9, a PostgreSQL restart).
 */
final class LoadedServe {

    /** How soon after a start the {@code restart: always} sessions must be running again. */
    static final Duration BACK_WITHIN = Duration.ofSeconds(30);

    private static final Duration RUNS_END_WITHIN = Duration.ofSeconds(90);

    final Api api;
    final CrashChecks checks;
    /** Stopped by the caller (it is closeable) before {@link #settled}. */
    final Workload load;

    private LoadedServe(Api api, CrashChecks checks, Workload load) {
        this.api = api;
        this.checks = checks;
        this.load = load;
    }

    /**
     * Starts {@code serve} and, once it answers, three {@code restart: always} sessions (checked running),
     * then the load of runs and sessions.
     *
     * @param mark marks every process the load starts, so that none can be missed or mistaken
     */
    static LoadedServe start(KagedServe serve, String mark, Path work, long seed) throws Exception {
        serve.start();
        Api api = new Api(
                serve.port(),
                Files.readString(serve.home().resolve("auth-token")).trim());
        CrashChecks checks = new CrashChecks(api, mark);
        Workload load = new Workload(api, mark, work, seed);
        load.alwaysSessions(3);
        checks.sessionsBack(load, "first start", BACK_WITHIN);
        load.start();
        return new LoadedServe(api, checks, load);
    }

    /**
     * Once the load has stopped: every run ends as its policy says, nothing acknowledged is lost, the
     * sessions are back and no process of a finished run is left. Returns every run, for the report.
     */
    List<JsonNode> settled() throws Exception {
        List<JsonNode> runs = checks.everyRunEnds(RUNS_END_WITHIN);
        checks.acknowledgedKept(load, "at the end");
        checks.endedPerPolicy(runs);
        checks.sessionsBack(load, "at the end", BACK_WITHIN);
        checks.noLeftovers("at the end");
        return runs;
    }
}
