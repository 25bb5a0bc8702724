package io.kaged.bench;

/** The console benchmark's table: the console, the bare bridge, their ratio and the target. */
final class ConsoleReport {

    private ConsoleReport() {}

    static void print(
            int keys,
            int mb,
            int[] size,
            ConsoleBench.Keystrokes consoleKeys,
            ConsoleBench.Keystrokes bridgeKeys,
            Latencies socket,
            double consoleSeconds,
            double bridgeSeconds,
            FirstLoad.Result load) {
        Latencies console = consoleKeys.echo();
        Latencies bridge = bridgeKeys.echo();
        System.out.printf("terminal %d×%d, both sides%n", size[0], size[1]);
        System.out.printf("%-34s %14s %14s %8s   %s%n", "", "kaged console", "bare bridge", "ratio", "target");
        row("keystroke echo p50 (ms)", console.millis(0.5), bridge.millis(0.5), "");
        double p99 = console.millis(0.99);
        row(
                "keystroke echo p99 (ms)",
                p99,
                bridge.millis(0.99),
                "≤ 1.25× and ≤ 25 ms: " + verdict(p99 <= 1.25 * bridge.millis(0.99) && p99 <= 25));
        row("keystroke echo max (ms)", console.maxMillis(), bridge.maxMillis(), "");
        // Where the echo's time goes: until the echo reached the page, against the browser's bare socket round
        // trip; the rest is xterm.js's render on the next frame.
        row(
                "  echo in the page p50 (ms)",
                consoleKeys.arrival().millis(0.5),
                bridgeKeys.arrival().millis(0.5),
                "");
        row(
                "  echo in the page p99 (ms)",
                consoleKeys.arrival().millis(0.99),
                bridgeKeys.arrival().millis(0.99),
                "");
        System.out.printf(
                "%-34s %14s %14s %8s   %s%n",
                "  bare socket round trip (ms)",
                "",
                String.format("%.2f, %.2f", socket.millis(0.5), socket.millis(0.99)),
                "",
                "p50, p99: this browser's WebSocket to cat, no key, no render");
        double consoleRate = mb / consoleSeconds;
        double bridgeRate = mb / bridgeSeconds;
        row("render " + mb + " MiB (s)", consoleSeconds, bridgeSeconds, "");
        row(
                "render throughput (MiB/s)",
                consoleRate,
                bridgeRate,
                "≥ 0.8×: " + verdict(consoleRate >= 0.8 * bridgeRate));
        System.out.printf(
                "%-34s %14.0f %14s %8s   %s%n",
                "first load, median (ms)",
                load.medianMillis(),
                "",
                "",
                "< 300 ms: " + verdict(load.worstMillis() < 300) + " (worst " + Math.round(load.worstMillis())
                        + " ms)");
        System.out.printf(
                "%-34s %14.1f %14s %8s   %s%n",
                "first load, bytes sent (KiB)",
                load.wireBytes() / 1024.0,
                "",
                "",
                "< 400 KB: " + verdict(load.wireBytes() < 400_000) + " (" + Math.round(load.decodedBytes() / 1024.0)
                        + " KiB uncompressed)");
    }

    private static void row(String name, double console, double bridge, String target) {
        System.out.printf("%-34s %14.2f %14.2f %8.2f   %s%n", name, console, bridge, console / bridge, target);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }
}
