package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kaged prune --dry-run | --yes}: the retention policy ({@code kaged.retention}) on demand. A dry run
 * prints what the policy removes now; {@code --yes} removes it in steps of {@code --step} items, one request
 * each, printing a line per step when there is more than one. Without either flag it removes nothing.
 */
@Command(
        name = "prune",
        description = "Apply the retention policy (kaged.retention): --dry-run shows what it would remove,"
                + " --yes removes it. The audit log is never pruned.")
public final class PruneCommand implements Callable<Integer> {

    private static final List<String> KINDS = List.of("runs", "sessions", "transcripts");

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--dry-run", description = "Show what the policy would remove; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Remove what the policy names.")
    boolean yes;

    @Option(
            names = "--step",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Runs, sessions and trimmed runs removed per request (default ${DEFAULT-VALUE}).")
    int step;

    @Option(names = "--json", description = "Print the API's JSON (for --yes: the totals), for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun == yes) {
            err.println("kaged: prune "
                    + (dryRun ? "takes --dry-run or --yes, not both" : "removes nothing without a choice")
                    + ": pass --dry-run to see what the retention policy would remove, or --yes to remove it.");
            return Cli.MISCONFIGURED;
        }
        if (step < 1) {
            err.println("kaged: --step must be at least 1.");
            return Cli.MISCONFIGURED;
        }
        DaemonClient client = options.client();
        PrintWriter out = spec.commandLine().getOut();
        JsonNode plan = client.post("/v1/prune?dryRun=true", null);
        if (dryRun) {
            if (json) {
                out.println(pretty(plan));
            } else {
                print(out, plan, "Would remove");
            }
            return 0;
        }
        long planned = items(plan);
        ObjectNode total = (ObjectNode) plan.deepCopy();
        KINDS.forEach(kind -> total.set(kind, zero(plan.get(kind))));
        total.put("dryRun", false);
        int batches = 0;
        long skipped = 0;
        JsonNode r;
        do {
            r = client.post("/v1/prune?dryRun=false&limit=" + step, null);
            for (String kind : KINDS) {
                total.set(kind, add(total.get(kind), r.get(kind)));
            }
            batches += r.get("batches").asInt();
            skipped += r.get("skipped").asLong();
            if (!json && (planned > step || !r.get("complete").asBoolean())) {
                out.println("removed " + items(total) + " of " + Math.max(planned, items(total)) + " ("
                        + count(total, "runs") + " runs, " + count(total, "sessions") + " sessions, "
                        + count(total, "transcripts") + " runs' output trimmed)");
                out.flush();
            }
        } while (!r.get("complete").asBoolean() && items(r) > 0);
        total.put("complete", r.get("complete").asBoolean());
        total.put("batches", batches);
        total.put("skipped", skipped);
        total.put(
                "bytes",
                KINDS.stream()
                        .mapToLong(k -> total.get(k).get("bytes").asLong())
                        .sum());
        if (json) {
            out.println(pretty(total));
        } else {
            print(out, total, "Removed");
            if (skipped > 0) {
                out.println(skipped + " item(s) were left for now (busy, or changed while pruning); run again later.");
            }
        }
        return 0;
    }

    private void print(PrintWriter out, JsonNode report, String verb) {
        JsonNode criteria = report.get("criteria");
        out.println("Policy: finished runs ended before " + orOff(criteria.get("runsEndedBefore"))
                + "; ended sessions ended before " + orOff(criteria.get("sessionsEndedBefore"))
                + "; run output over "
                + (criteria.get("transcriptMaxBytesPerRun").isNull()
                        ? "(off)"
                        : bytes(criteria.get("transcriptMaxBytesPerRun").asLong()))
                + " per run.");
        if (items(report) == 0) {
            out.println(verb.equals("Removed") ? "Nothing was removed." : "Nothing to remove.");
            return;
        }
        Table table = new Table("KIND", "COUNT", "EVENTS", "SNAPSHOTS", "CHUNKS", "BYTES", "OLDEST END", "NEWEST END");
        for (String kind : KINDS) {
            JsonNode p = report.get(kind);
            table.row(
                    kind.equals("transcripts") ? "output (runs trimmed)" : kind,
                    p.get("count").asLong(),
                    p.get("events").asLong(),
                    p.get("snapshots").asLong(),
                    p.get("chunks").asLong(),
                    bytes(p.get("bytes").asLong()),
                    Table.time(text(p.get("oldestEndedAt"))),
                    Table.time(text(p.get("newestEndedAt"))));
        }
        out.println(verb + ":");
        table.print(out);
        out.println("Total: "
                + bytes(KINDS.stream()
                        .mapToLong(k -> report.get(k).get("bytes").asLong())
                        .sum()) + (verb.equals("Removed") ? " removed." : "; kaged prune --yes removes it."));
    }

    private static long items(JsonNode report) {
        return KINDS.stream().mapToLong(k -> count(report, k)).sum();
    }

    private static long count(JsonNode report, String kind) {
        return report.get(kind).get("count").asLong();
    }

    private static ObjectNode zero(JsonNode part) {
        ObjectNode z = (ObjectNode) part.deepCopy();
        for (String f : List.of("count", "events", "snapshots", "checkpoints", "chunks", "bytes")) {
            z.put(f, 0);
        }
        z.putNull("oldestEndedAt");
        z.putNull("newestEndedAt");
        return z;
    }

    private static ObjectNode add(JsonNode sum, JsonNode part) {
        ObjectNode s = (ObjectNode) sum.deepCopy();
        for (String f : List.of("count", "events", "snapshots", "checkpoints", "chunks", "bytes")) {
            s.put(f, sum.get(f).asLong() + part.get(f).asLong());
        }
        s.put("oldestEndedAt", pick(text(sum.get("oldestEndedAt")), text(part.get("oldestEndedAt")), true));
        s.put("newestEndedAt", pick(text(sum.get("newestEndedAt")), text(part.get("newestEndedAt")), false));
        return s;
    }

    /** The earlier (or later) of two API times, either possibly null. */
    private static String pick(String a, String b, boolean earlier) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        boolean aFirst = Instant.parse(a).isBefore(Instant.parse(b));
        return aFirst == earlier ? a : b;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String orOff(JsonNode time) {
        return time.isNull() ? "(off)" : Table.time(time.asText());
    }

    private static String pretty(JsonNode n) throws Exception {
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
