package io.kaged.actors.run;

import io.kaged.actors.process.MaskedJsonLines;
import io.kaged.actors.process.OutputSink;
import io.kaged.actors.process.PipedProcess;
import io.kaged.actors.process.ProcessConfinement;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SecretMask;
import io.kaged.actors.run.agent.AgentPipes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * Starts a run's process without a terminal: stdout and stderr apart, the input text on stdin (then
 * closed). It runs under {@code setsid}, so it leads its own process group and a timeout or cancel
 * reaches everything it started. Readers and the exit wait run on the given blocking executor; the exit
 * is reported only after both streams are drained. A run that asks for a sandbox starts in it, {@code
 * setsid bwrap … -- command}, so the sandbox and everything in it are the group; its secrets go into its
 * environment and are masked in its output ({@link ProcessConfinement}).
 */
public final class RunLauncher {

    /** A started run process: its input was given once on stdin. */
    private record Started(long pid) implements PipedProcess {}

    private final Executor blocking;
    private final java.util.function.Function<String, java.util.Map<String, String>> kagedEnvironment;
    private final ProcessConfinement confinement;

    /**
     * @param kagedEnvironment the variables a run gets from kaged (KAGED_URL, KAGED_TOKEN), by run id
     */
    public RunLauncher(
            Executor blocking,
            java.util.function.Function<String, java.util.Map<String, String>> kagedEnvironment,
            ProcessConfinement confinement) {
        this.blocking = blocking;
        this.kagedEnvironment = kagedEnvironment;
        this.confinement = confinement;
    }

    /** A launcher whose sandboxes use bubblewrap from PATH and hide nothing, and that keeps no secrets. */
    public RunLauncher(
            Executor blocking, java.util.function.Function<String, java.util.Map<String, String>> kagedEnvironment) {
        this(blocking, kagedEnvironment, ProcessConfinement.basic(blocking));
    }

    public RunningProcess start(String runId, RunSpec spec, OutputSink output) throws IOException {
        ProcessConfinement.Prepared prepared =
                confinement.prepare(spec.command(), spec.cwd(), spec.sandbox(), spec.secretEnv());
        OutputSink sink = prepared.watch(SecretMask.wrap(output, prepared.secretValues()));
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.addAll(prepared.argv());
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (spec.cwd() != null) {
            pb.directory(new File(spec.cwd()));
        }
        pb.environment().putAll(spec.env());
        pb.environment().putAll(prepared.secretEnv());
        pb.environment().putAll(kagedEnvironment.apply(runId));
        pb.environment().putAll(prepared.sandboxEnv());
        pb.environment().put("KAGED_RUN_ID", runId);
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            prepared.abandon();
            throw e;
        }
        if (spec.speaksAcp()) {
            return prepared.started(agent(process, sink, prepared.secretValues()));
        }
        CountDownLatch drained = new CountDownLatch(2);
        blocking.execute(() -> pump(process.getInputStream(), "stdout", sink, drained));
        blocking.execute(() -> pump(process.getErrorStream(), "stderr", sink, drained));
        blocking.execute(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                if (spec.input() != null) {
                    stdin.write(spec.input().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process closed its stdin or exited: nothing more to give it
            }
        });
        blocking.execute(() -> {
            try {
                drained.await();
                sink.exited(process.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return prepared.started(new Started(process.pid()));
    }

    /**
     * An ACP agent: stdin and stdout are the JSON-RPC channel its run reads; only stderr is recorded. The exit
     * is reported once both are read to their end (or, should the channel never be read, a while after).
     */
    private RunningProcess agent(Process process, OutputSink sink, List<String> secretValues) {
        CountDownLatch drained = new CountDownLatch(2);
        blocking.execute(() -> pump(process.getErrorStream(), "stderr", sink, drained));
        blocking.execute(() -> {
            try {
                int code = process.waitFor();
                drained.await(AGENT_OUTPUT_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                sink.exited(code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return new AgentPipes(
                process.pid(),
                process.getOutputStream(),
                MaskedJsonLines.wrap(process.getInputStream(), secretValues),
                drained::countDown);
    }

    private static final long AGENT_OUTPUT_GRACE_SECONDS = 30;

    private static void pump(InputStream in, String stream, OutputSink sink, CountDownLatch drained) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0) {
                    sink.output(stream, java.util.Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException ignored) {
            // the stream closed with the process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the executor is shutting down
        } finally {
            drained.countDown();
        }
    }
}
