package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.persistence.store.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * ACP runs of a real daemon (bin/kaged serve) with {@link BenchAgent} as the agent:
 *
 * <ol>
 *   <li>conversation throughput: a turn whose agent streams N session/update chunks, timed from the agent's
 *       first write (it reports when, on the machine's clock) to the turn's end being in the run's journal table
 *       (kaged journals the updates in order, and the end after them; the journal is read directly, see {@link
 *       JournalWatch}), against the same agent code writing the same N lines to /dev/null in its own JVM, timed
 *       the same way and measured beside each engine's turns; the ratio of the two rates is the figure of the
 *       target (≥ 0.8). The prompt's way to the agent before its first write is printed beside it (ADR-0082);
 *   <li>the permission round trip decided by policy: the agent asks K edit permissions in a row under a
 *       project policy that allows edits, and times each request to its answer itself (target p99 < 5 ms), after
 *       {@code --warm-asks} requests that let the JIT compile the path (ADR-0080).
 * </ol>
 */
public final class AgentBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How often the end of a permission turn is looked for: the agent times those requests itself, and a
     * bench polling the store 500 times a second would take the CPU they are timed on.
     */
    private static final long ASKS_POLL_MS = 50;
    /** Warm-up asks go in turns of at most this many (the agent reports a turn's times in one thought). */
    private static final int WARM_TURN = 300;
    /** A pipe drained in bursts: a read that found less than this waits before the next. */
    private static final int BURST_BYTES = 32 * 1024;

    private static final long BURST_PAUSE_NANOS = 200_000;
    /** The agent's JVM: the same flags for the journal and the /dev/null rounds. */
    private static final List<String> AGENT_JVM = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m");

    private final Path work;
    private final int updates;
    private final int rounds;
    private final int asks;
    private final int warmAsks;
    private final int warmTurns;
    private final List<Engine> engines;

    private AgentBench(
            Path work, int updates, int rounds, int asks, int warmAsks, int warmTurns, List<Engine> engines) {
        this.work = work;
        this.updates = updates;
        this.rounds = rounds;
        this.asks = asks;
        this.warmAsks = warmAsks;
        this.warmTurns = warmTurns;
        this.engines = engines;
    }

    public static void main(String[] args) throws Exception {
        int updates = 20_000;
        int rounds = 3;
        int asks = 300;
        int warmAsks = 1800;
        int warmTurns = 20;
        List<Engine> engines = List.of(Engine.SQLITE, Engine.POSTGRESQL);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--updates" -> updates = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--asks" -> asks = Integer.parseInt(args[++i]);
                case "--warm-asks" -> warmAsks = Integer.parseInt(args[++i]);
                case "--warm-turns" -> warmTurns = Integer.parseInt(args[++i]);
                case "--engines" ->
                    engines = Arrays.stream(args[++i].split(","))
                            .map(e -> Engine.valueOf(e.toUpperCase(Locale.ROOT)))
                            .toList();
                default -> {
                    System.err.println("usage: AgentBench [--updates 20000] [--rounds 3] [--asks 300]"
                            + " [--warm-asks 1800] [--warm-turns 20] [--engines sqlite,postgresql]");
                    System.exit(2);
                }
            }
        }
        if (asks < 1 || asks > 900 || warmAsks < 1 || warmTurns < 1 || updates < 1 || rounds < 1) {
            System.err.println(
                    "AgentBench: --asks 1..900, --warm-asks, --warm-turns, --updates and --rounds at least 1");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("kaged-agent-bench");
        new AgentBench(work, updates, rounds, asks, warmAsks, warmTurns, engines).run();
    }

    private void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "%d updates a turn, %d timed turns after %d to warm up, %d permission requests after %d;"
                        + " load average %s; work in %s%n",
                updates,
                rounds,
                warmTurns,
                asks,
                warmAsks,
                loadAverage(),
                work);
        List<String> rows = new ArrayList<>();
        try (BenchStores stores = BenchStores.create()) {
            for (Engine engine : engines) {
                String url = engine == Engine.SQLITE ? null : stores.newStoreUrl(engine, "agents");
                rows.add(measure(engine, url));
            }
        }
        System.out.println();
        System.out.println("| engine | updates a turn | /dev/null: updates/s | a pipe only drained: updates/s (ratio)"
                + " | a pipe drained in bursts: updates/s (ratio) | journal: updates/s (median of " + rounds
                + ") | ratio | permission round trip by policy p50 / p99 / max (ms) | a conversation page (ms) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    /** The agent's rate writing the turn's lines to /dev/null: the median of its timed rounds. */
    private double devNullRate(String name) throws Exception {
        List<String> argv = new ArrayList<>(agentCommand());
        argv.addAll(List.of("--null", String.valueOf(updates), String.valueOf(rounds + 1)));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        List<String> lines =
                new String(p.getInputStream().readAllBytes()).lines().toList();
        return medianRate(name, "/dev/null", p, lines);
    }

    /**
     * The agent's rate writing the turn's lines into a pipe that this process only drains: with {@code bursts}
     * false it reads whatever is there as soon as it is there, the most a reader that wakes at each of the
     * agent's writes (a line each) lets it write; with {@code bursts} true it waits {@link #BURST_PAUSE_NANOS}
     * after each read that found less than {@link #BURST_BYTES}, so that the agent's writes fill the pipe
     * without waking anyone: what the pipe itself costs the agent.
     */
    private double drainedPipeRate(String name, boolean bursts) throws Exception {
        List<String> argv = new ArrayList<>(agentCommand());
        argv.addAll(List.of("--pipe", String.valueOf(updates), String.valueOf(rounds + 1)));
        Process p = new ProcessBuilder(argv).start();
        Thread drain = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (java.io.InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (bursts && n < BURST_BYTES) {
                        LockSupport.parkNanos(BURST_PAUSE_NANOS);
                    }
                }
            } catch (java.io.IOException e) {
                // the agent is gone
            }
        });
        drain.start();
        List<String> lines =
                new String(p.getErrorStream().readAllBytes()).lines().toList();
        drain.join();
        return medianRate(name, bursts ? "a pipe drained in bursts" : "a pipe only drained", p, lines);
    }

    private double medianRate(String name, String into, Process p, List<String> lines) throws Exception {
        if (p.waitFor() != 0 || lines.size() != rounds + 1) {
            throw new IllegalStateException("the agent writing to " + into + " failed: " + lines);
        }
        double[] rates = lines.stream()
                .skip(1) // the warm-up round
                .mapToDouble(ns -> updates / (Long.parseLong(ns.trim()) / 1e9))
                .sorted()
                .toArray();
        System.out.printf(Locale.ROOT, "[%s] %s: %s updates/s%n", name, into, rounded(rates));
        return rates[rates.length / 2];
    }

    private String measure(Engine engine, String url) throws Exception {
        Map<String, String> env = url == null ? Map.of() : Map.of("KAGED_DATABASE_URL", url);
        String name = engine.name().toLowerCase(Locale.ROOT);
        Path home = Files.createDirectories(work.resolve(name + "-home"));
        // outside the home: an ACP run is sandboxed, and its sandbox refuses a cwd inside the kaged home
        Path cwd = Files.createDirectories(work.resolve(name + "-cwd"));
        try (BenchDaemon d = BenchDaemon.start(home, work.resolve(name + ".log"), env);
                JournalWatch journal = JournalWatch.open(home, url)) {
            ObjectNode project = JSON.createObjectNode().put("name", "bench");
            project.putObject("config")
                    .putObject("acp")
                    .putArray("permissions")
                    .addObject()
                    .put("kind", "edit")
                    .put("decision", "allow");
            d.call("POST", "/v1/projects", project);
            ObjectNode run = JSON.createObjectNode();
            run.set("command", JSON.valueToTree(agentCommand()));
            run.put("cwd", cwd.toString()).put("project", "bench").putObject("acp");
            String id = d.call("POST", "/v1/runs", run).get("id").asText();
            Conversation c = new Conversation(d, id, journal);

            // warm-up: the agent's JIT, the daemon's first-use paths and the JIT's compiling of the stream's path
            int warmFrom = c.size();
            for (int w = 0; w < warmTurns; w++) {
                c.send("stream " + updates, 2);
            }
            // The baseline beside this engine's turns, with its daemon up: the machine's load then is the
            // load the turns see, not that of minutes before (on a shared machine it moves by a factor of 3).
            double nullRate = devNullRate(name);
            double pipeRate = drainedPipeRate(name, false);
            double burstRate = drainedPipeRate(name, true);
            double[] rates = new double[rounds];
            double[] agentRates = new double[rounds];
            long daemonCpu = 0;
            long agentCpu = 0;
            // The timed turns follow one another with nothing read from the conversation between them: a page is
            // folded from the run's whole journal, and the garbage of that fold made the next turn's collections
            // (ADR-0082). They are checked once all have ended.
            long[] sentMicros = new long[rounds];
            long[] endedMicros = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                c.send("stream " + updates, 2);
                sentMicros[r] = c.sentMicros();
                endedMicros[r] = c.endedMicros();
                daemonCpu += c.daemonCpuMillis();
                agentCpu += c.agentCpuMillis();
            }
            List<List<JsonNode>> streamed =
                    c.readTurns(warmFrom, warmTurns + rounds).subList(warmTurns, warmTurns + rounds);
            double[] promptMillis = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                checkStreamed(streamed.get(r), updates);
                // "NANOS from MICROS": how long the agent took to write the N lines, and when it began
                String[] took =
                        report(streamed.get(r), "streamed " + updates + " in ").split(" from ");
                agentRates[r] = updates / (Long.parseLong(took[0]) / 1e9);
                // like the /dev/null rounds, timed from the agent's first write: the prompt's way to the agent
                // before it (the HTTP request, the run actor, the agent's reading of it) is not the stream's
                long began = Long.parseLong(took[1]);
                rates[r] = updates / ((endedMicros[r] - began) / 1e6);
                promptMillis[r] = (began - sentMicros[r]) / 1e3;
            }
            Arrays.sort(promptMillis);
            // CPU per update, which the machine's load moves far less than the rates: what each side costs
            double daemonMicros = daemonCpu * 1000.0 / ((long) rounds * updates);
            double agentMicros = agentCpu * 1000.0 / ((long) rounds * updates);
            double[] sortedRates = rates.clone();
            Arrays.sort(sortedRates);
            Arrays.sort(agentRates);
            double journaled = sortedRates[rounds / 2];
            System.out.printf(
                    Locale.ROOT,
                    "[%s] into the journal: %s updates/s from the agent's first write to the turn's end in the journal"
                            + " (the agent's own writes to the pipe: %s/s; from the prompt's POST to the first"
                            + " write: %.1f ms, median); ratio to /dev/null %.2f (a pipe only drained: %.2f, drained"
                            + " in bursts: %.2f); CPU per update (the whole turn): daemon %.1f µs, agent %.1f µs%n",
                    name,
                    rounded(sortedRates),
                    rounded(agentRates),
                    promptMillis[rounds / 2],
                    journaled / nullRate,
                    pipeRate / nullRate,
                    burstRate / nullRate,
                    daemonMicros,
                    agentMicros);

            // warm-up: the permission path runs interpreted for its first hundreds of requests, and the JIT keeps
            // compiling it for thousands more; a daemon that has run for a while answers from compiled code
            // like the streamed turns, these read nothing of the conversation until the last has ended
            int asksFrom = c.size();
            int asksTurns = 1;
            int warmed = 0;
            while (warmed < warmAsks) {
                int k = Math.min(WARM_TURN, warmAsks - warmed);
                long jit0 = d.compilerMillis();
                c.send("asks " + k, ASKS_POLL_MS);
                asksTurns++;
                warmed += k;
                System.out.printf(
                        Locale.ROOT,
                        "[%s] warm-up: %d of %d asks, the daemon's JIT compilers took %d ms of CPU%n",
                        name,
                        warmed,
                        warmAsks,
                        d.compilerMillis() - jit0);
            }
            BenchDaemon.Collections gc0 = d.collections();
            c.send("asks " + asks, ASKS_POLL_MS);
            // the serial collector stops the daemon for each young collection: what of the tail they can be
            BenchDaemon.Collections gc = d.collections().since(gc0);
            List<JsonNode> tail = c.readTurns(asksFrom, asksTurns).get(asksTurns - 1);
            List<Long> nanos = Arrays.stream(report(tail, "asks ").split(","))
                    .map(us -> Long.parseLong(us) * 1000)
                    .toList();
            if (nanos.size() != asks) {
                throw new IllegalStateException("the agent reported " + nanos.size() + " of " + asks + " requests");
            }
            long decidedByPolicy = d
                    .call("GET", "/v1/approvals?runId=" + id + "&order=desc&limit=" + asks, null) // the timed ones
                    .get("items")
                    .findValues("decidedBy")
                    .stream()
                    .filter(b -> b.asText().startsWith("policy "))
                    .count();
            if (decidedByPolicy < asks) {
                throw new IllegalStateException("only " + decidedByPolicy + " of " + asks + " decided by policy");
            }
            Latencies l = Latencies.of(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "[%s] %d permission requests allowed by policy: p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                            + " the daemon collected garbage %d times in them, %.1f ms in all%n",
                    name,
                    asks,
                    l.millis(0.5),
                    l.millis(0.99),
                    l.maxMillis(),
                    gc.count(),
                    gc.millis());
            // Every page of a conversation is folded from the run's whole journal: what a page costs once the run
            // holds all the turns above (median of 3).
            long total = (long) (rounds + 1) * updates;
            double[] pageMillis = new double[3];
            for (int i = 0; i < pageMillis.length; i++) {
                long t0 = System.nanoTime();
                d.call("GET", "/v1/runs/" + id + "/conversation?offset=0&limit=20", null);
                pageMillis[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(pageMillis);
            System.out.printf(
                    Locale.ROOT,
                    "[%s] a conversation page of a run of %d updates: %.0f ms (median of 3)%n",
                    name,
                    total,
                    pageMillis[1]);
            d.call("POST", "/v1/runs/" + id + "/cancel", null);
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.0f (%.2f) | %.0f (%.2f) | %.0f | %.2f | %.2f / %.2f / %.2f | %.0f |",
                    name,
                    updates,
                    nullRate,
                    pipeRate,
                    pipeRate / nullRate,
                    burstRate,
                    burstRate / nullRate,
                    journaled,
                    journaled / nullRate,
                    l.millis(0.5),
                    l.millis(0.99),
                    l.maxMillis(),
                    pageMillis[1]);
        }
    }

    /** The CPU time of the daemon's child processes: the agent's JVM and the sandbox around it. */
    private static long agentCpuMillis(BenchDaemon d) {
        return ProcessHandle.of(d.pid())
                .map(h -> h.descendants()
                        .mapToLong(c -> c.info()
                                .totalCpuDuration()
                                .map(java.time.Duration::toMillis)
                                .orElse(0L))
                        .sum())
                .orElse(0L);
    }

    /** The text after {@code prefix} of the agent's report (a thought) among a turn's last items. */
    private static String report(List<JsonNode> tail, String prefix) {
        for (JsonNode item : tail) {
            String text = item.path("text").asText("");
            if (item.path("type").asText().equals("thought") && text.startsWith(prefix)) {
                return text.substring(prefix.length());
            }
        }
        throw new IllegalStateException("no report '" + prefix + "' from the agent in " + tail);
    }

    /** The agent's argv: this JVM's java and class path, so the daemon starts the bench's own classes. */
    private static List<String> agentCommand() {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(AGENT_JVM);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchAgent.class.getName()));
        return argv;
    }

    private static String rounded(double[] rates) {
        return Arrays.stream(rates)
                .mapToObj(r -> String.format(Locale.ROOT, "%.0f", r))
                .reduce((a, b) -> a + " " + b)
                .orElse("");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * An ACP run's turns: the end of a turn is watched for in the journal table (the updates before it are
     * journaled first), then its last items are read from the conversation once.
     */
    private static final class Conversation {
        private final BenchDaemon d;
        private final String run;
        private final JournalWatch journal;
        private int size;
        private long turns;
        /**
         * When the last prompt that the daemon took was sent (a 409 before it is not counted) and when its turn's
         * end was seen in the journal, in µs since the epoch.
         */
        private long sentMicros;

        private long endedMicros;
        /** CPU the daemon and the agent used from sending the last prompt to its turn's end being stored. */
        private long daemonCpu;

        private long agentCpu;

        Conversation(BenchDaemon d, String run, JournalWatch journal) {
            this.d = d;
            this.run = run;
            this.journal = journal;
        }

        int size() {
            return size;
        }

        long daemonCpuMillis() {
            return daemonCpu;
        }

        long agentCpuMillis() {
            return agentCpu;
        }

        /**
         * The items of {@code count} turns from item {@code from} on, a list for each turn up to its end, read page
         * by page.
         */
        List<List<JsonNode>> readTurns(int from, int count) throws Exception {
            List<List<JsonNode>> read = new ArrayList<>();
            List<JsonNode> current = new ArrayList<>();
            int offset = from;
            while (read.size() < count) {
                JsonNode items = d.call(
                                "GET", "/v1/runs/" + run + "/conversation?offset=" + offset + "&limit=1000", null)
                        .get("items");
                if (items.isEmpty()) {
                    throw new IllegalStateException(
                            "the conversation holds " + read.size() + " of the " + count + " turns");
                }
                for (JsonNode item : items) {
                    offset++;
                    current.add(item);
                    if (item.path("type").asText().equals("turn_end")) {
                        ended(item);
                        read.add(current);
                        current = new ArrayList<>();
                        if (read.size() == count) {
                            break;
                        }
                    }
                }
            }
            return read;
        }

        private void ended(JsonNode turnEnd) {
            if (!"end_turn".equals(turnEnd.path("stopReason").asText())) {
                throw new IllegalStateException("a turn ended " + turnEnd);
            }
            size = Math.max(size, turnEnd.get("index").asInt() + 1);
        }

        long sentMicros() {
            return sentMicros;
        }

        long endedMicros() {
            return endedMicros;
        }

        /** Sends a prompt and waits for its turn's end in the journal, reading nothing of the conversation. */
        void send(String prompt, long pollMs) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long daemonCpu0 = d.cpuMillis();
            long agentCpu0 = AgentBench.agentCpuMillis(d);
            while (true) {
                try {
                    sentMicros = epochMicros();
                    d.call("POST", "/v1/runs/" + run + "/prompt", Map.of("text", prompt));
                    break;
                } catch (IllegalStateException busy) {
                    // 409 while the agent starts or the last turn is still ending
                    if (!busy.getMessage().contains("409") || System.nanoTime() > deadline) {
                        throw busy;
                    }
                    Thread.sleep(10);
                }
            }
            while (journal.events(run, "RunActor$TurnEnded") <= turns) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the turn '" + prompt + "' did not end within 10 minutes");
                }
                Thread.sleep(pollMs);
            }
            endedMicros = epochMicros();
            turns++;
            daemonCpu = d.cpuMillis() - daemonCpu0;
            agentCpu = AgentBench.agentCpuMillis(d) - agentCpu0;
        }
    }

    /** Now, in microseconds since the epoch: the clock the agent reports when its stream began on. */
    private static long epochMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /** Checks that a streamed turn's message holds all N chunks, in order. */
    private static void checkStreamed(List<JsonNode> turn, int n) {
        JsonNode item = turn.stream()
                .filter(i -> i.path("type").asText().equals("agent_message"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("a streamed turn without a message: " + turn));
        String text = item.path("text").asText();
        if (!text.startsWith("chunk 0 chunk 1 ") || !text.endsWith("chunk " + (n - 1) + " ")) {
            throw new IllegalStateException("the journaled message is not the " + n + " chunks: "
                    + text.substring(0, Math.min(200, text.length())));
        }
    }
}
