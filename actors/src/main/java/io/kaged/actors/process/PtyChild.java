package io.kaged.actors.process;

import com.pty4j.WinSize;
import com.pty4j.unix.Pty;
import com.pty4j.unix.PtyHelpers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process in a new pty, started and reaped without pty4j's thread per child: pty4j's native
 * {@code execPty} forks and execs it as a session leader on the pty's slave side (its pid is its
 * process-group id), and {@link #reap} asks {@code waitpid(WNOHANG)} for its exit, which the
 * {@link PtyPoller} does once the pty's output has ended. pty4j's {@code PtyProcess} would start a thread
 * per child that waits in {@code waitpid}: a stack and its bookkeeping for every idle session.
 */
final class PtyChild implements RunningProcess {

    private static final Logger log = LoggerFactory.getLogger(PtyChild.class);

    private final Pty pty;
    private final int pid;
    private volatile boolean reaped;

    private PtyChild(Pty pty, int pid) {
        this.pty = pty;
        this.pid = pid;
    }

    /** Starts {@code spec}'s command with exactly {@code env} in a new pty of the spec's size. */
    static PtyChild start(ProcessSpec spec, Map<String, String> env) throws IOException {
        String[] argv = spec.command().toArray(String[]::new);
        if (argv.length == 0) {
            throw new IOException("no command");
        }
        String[] envp = env.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        Pty pty = new Pty();
        // The size is set before the fork, so that the program sees it from its first instruction (set after,
        // a quick program such as `stty size` could read 0 0).
        pty.setWindowSize(new WinSize(spec.cols(), spec.rows()), null);
        // Resolves argv[0] on the PATH, forks, and in the child: setsid, the slave as terminal, chdir, exec.
        int pid = PtyHelpers.execPty(
                argv[0],
                argv,
                envp,
                spec.cwd() != null ? spec.cwd() : ".",
                pty.getSlaveName(),
                pty.getMasterFD(),
                null,
                -1,
                false);
        if (pid <= 0) {
            pty.close();
            throw new IOException("cannot run " + argv[0] + ": not found on the PATH, or not executable");
        }
        return new PtyChild(pty, pid);
    }

    int masterFd() {
        return pty.getMasterFD();
    }

    /** Closes the pty's master side (once its output has ended, or when the launcher stops). */
    void closeMaster() throws IOException {
        pty.close();
    }

    /**
     * The child's exit code if it has ended (then it is reaped), empty while it runs. As the shell and
     * pty4j report it: the status it exited with, or 128 plus the signal that ended it.
     */
    OptionalInt reap() {
        int[] status = new int[1];
        int r = PtyHelpers.waitpid(pid, status, PtyHelpers.WNOHANG);
        if (r == 0) {
            return OptionalInt.empty();
        }
        reaped = true;
        if (r < 0) {
            log.warn("the exit of {} is unknown (waitpid: errno {})", pid, PtyHelpers.errno());
            return OptionalInt.of(-1);
        }
        int s = status[0];
        int signal = s & 0x7f;
        return OptionalInt.of(signal == 0 ? (s >> 8) & 0xff : 128 + signal);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void write(byte[] data) {
        try {
            OutputStream out = pty.getOutputStream();
            out.write(data);
            out.flush();
        } catch (IOException e) {
            log.debug("input to {} dropped: {}", pid, e.getMessage());
        }
    }

    @Override
    public void resize(int cols, int rows) {
        if (reaped || pty.isClosed()) {
            return;
        }
        try {
            pty.setWindowSize(new WinSize(cols, rows), null);
        } catch (IOException e) {
            log.debug("resize of {} to {}x{} failed: {}", pid, cols, rows, e.getMessage());
        }
    }

    @Override
    public void signal(Signal signal) {
        Signals.sendToGroup(pid, signal);
    }
}
