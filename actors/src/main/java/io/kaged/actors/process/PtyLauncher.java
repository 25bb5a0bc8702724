package io.kaged.actors.process;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts processes in a pseudo-terminal with pty4j. Each process gets one reader thread from a growing
 * pool of daemon threads named {@code kaged-pty-N}: a pty read blocks, so it never runs on an actor
 * dispatcher. The child is a session leader (its pid is its process-group id), so signals go to the
 * group.
 */
public final class PtyLauncher implements ProcessLauncher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PtyLauncher.class);

    private final ExecutorService readers;
    private final int readBufferBytes;

    public PtyLauncher(int readBufferBytes) {
        AtomicInteger n = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kaged-pty-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.readBufferBytes = readBufferBytes;
    }

    @Override
    public RunningProcess start(ProcessSpec spec, ProcessOutput sink) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("TERM", "xterm-256color");
        env.putAll(spec.env());
        PtyProcessBuilder builder = new PtyProcessBuilder(spec.command().toArray(String[]::new))
                .setEnvironment(env)
                .setInitialColumns(spec.cols())
                .setInitialRows(spec.rows())
                .setRedirectErrorStream(true)
                .setConsole(false);
        if (spec.cwd() != null) {
            builder.setDirectory(spec.cwd());
        }
        PtyProcess process = builder.start();
        readers.execute(() -> pump(process, sink));
        return new PtyRunningProcess(process);
    }

    private void pump(PtyProcess process, ProcessOutput sink) {
        byte[] buffer = new byte[readBufferBytes];
        try (InputStream in = process.getInputStream()) {
            if (process instanceof UnixPtyProcess unix) {
                PtyMasterReader master = new PtyMasterReader(unix.getPty().getMasterFD());
                int n;
                while ((n = master.read(buffer)) >= 0) {
                    sink.output(Arrays.copyOf(buffer, n));
                }
            } else {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        sink.output(Arrays.copyOf(buffer, n));
                    }
                }
            }
        } catch (IOException e) {
            // A pty read fails with EIO once the child side is closed: that is the normal end of output.
            log.trace("pty of {} closed: {}", process.pid(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sink.exited(exit);
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }

    private record PtyRunningProcess(PtyProcess process) implements RunningProcess {

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void write(byte[] data) {
            try {
                OutputStream out = process.getOutputStream();
                out.write(data);
                out.flush();
            } catch (IOException e) {
                log.debug("input to {} dropped: {}", process.pid(), e.getMessage());
            }
        }

        @Override
        public void resize(int cols, int rows) {
            if (process.isAlive()) {
                process.setWinSize(new WinSize(cols, rows));
            }
        }

        @Override
        public void signal(Signal signal) {
            Signals.sendToGroup(process.pid(), signal);
        }
    }
}
