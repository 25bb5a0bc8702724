package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that talks to the running daemon. */
public final class ClientOptions {

    @Mixin
    ModeOption mode;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "The daemon's HTTP port (default: from config, 7480). Without it, a run's process"
                    + " reaches the daemon through $KAGED_SOCKET or $KAGED_URL, with $KAGED_TOKEN.")
    Integer port;

    DaemonClient client() {
        return new DaemonClient(mode.load(), port, mode.environment());
    }
}
