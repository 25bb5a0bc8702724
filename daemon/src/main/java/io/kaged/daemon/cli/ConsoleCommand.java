package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kaged console}: prints a one-time login URL of the web console, as Jupyter does. The ticket rides
 * in the URL's fragment, which a browser never sends, so it reaches no server or proxy log; the page trades
 * it for a session cookie within its 60 seconds.
 */
@Command(
        name = "console",
        description = "Print a one-time login URL of the web console (good once, for 60 s); --open opens it.")
public final class ConsoleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--open", description = "Also open the URL in the desktop's browser (xdg-open).")
    boolean open;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        JsonNode ticket = client.post("/v1/console/tickets", null);
        String url = browsable(client.base()) + ticket.get("path").asText();
        PrintWriter out = spec.commandLine().getOut();
        out.println(url);
        out.flush();
        if (open) {
            try {
                new ProcessBuilder("xdg-open", url)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                spec.commandLine()
                        .getErr()
                        .println("kaged: cannot run xdg-open (" + e.getMessage() + "); open the URL above by hand.");
                return Cli.FAILED;
            }
        }
        return 0;
    }

    /** A daemon listening on every address is reached on this host as localhost. */
    private static String browsable(String base) {
        return base.replace("://0.0.0.0:", "://localhost:").replace("://[::]:", "://localhost:");
    }
}
