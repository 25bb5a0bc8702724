package io.kaged.daemon.cli;

import io.kaged.daemon.serve.Daemon;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kaged serve}: runs the daemon in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = "Run the kaged daemon (foreground; stop with SIGTERM or Ctrl-C).")
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    ModeOption modeOption;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 7480; env KAGED_HTTP_PORT).")
    Integer port;

    @Override
    public Integer call() {
        Daemon daemon = Daemon.start(modeOption.load(), port);
        daemon.awaitTermination();
        return 0;
    }
}
