package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kaged secret set NAME}: the value from standard input, never from an argument (which other users
 * see in ps and the shell keeps in its history). One line ending is taken off, so {@code echo} and a typed
 * line give the value itself.
 */
@Command(name = "set", description = "Keep a secret, its value read from standard input; replaces the old value.")
public final class SecretSetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "1 to 64 letters, digits, '_', '.' or '-'.")
    String name;

    /** Tests give the value here; the command line reads standard input. */
    InputStream in = System.in;

    @Override
    public Integer call() {
        String value = withoutLineEnd(read());
        JsonNode answer = options.client().put("/v1/secrets/" + DaemonClient.segment(name), Map.of("value", value));
        spec.commandLine()
                .getOut()
                .println("Secret " + name + (answer.path("created").asBoolean() ? " set." : " replaced."));
        return 0;
    }

    private String read() {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClientException(ClientException.FAILED, "cannot read the value from standard input: " + e);
        }
    }

    static String withoutLineEnd(String value) {
        if (value.endsWith("\r\n")) {
            return value.substring(0, value.length() - 2);
        }
        return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }
}
