package io.kaged.actors.process;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts processes in a pseudo-terminal with pty4j. One {@link PtyPoller} thread, {@code kaged-pty-poller},
 * reads every pty this launcher started: a pty read may block, so it never runs on an actor dispatcher,
 * and a thread per pty cost a stack and its bookkeeping per idle session. The child is a session leader
 * (its pid is its process-group id), so signals go to the group.
 */
public final class PtyLauncher implements ProcessLauncher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PtyLauncher.class);

    private final PtyPoller poller;

    public PtyLauncher(int readBufferBytes) {
        this.poller = new PtyPoller(readBufferBytes, "kaged-pty-poller");
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
        if (!(process instanceof UnixPtyProcess unix)) {
            process.destroyForcibly();
            throw new IOException("kaged reads ptys on Unix only");
        }
        poller.add(new PtyPoller.Source(unix.getPty().getMasterFD(), process.getInputStream(), process, sink));
        return new PtyRunningProcess(process);
    }

    /** The number of ptys still read or waiting for their process's exit (for tests). */
    int reading() {
        return poller.size();
    }

    @Override
    public void close() {
        poller.close();
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
