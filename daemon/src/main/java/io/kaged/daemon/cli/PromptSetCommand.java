package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged prompt set PROJECT PROMPT (--file F | --text T)}: writes the prompt's next version. */
@Command(name = "set", description = "Write a new version of a prompt; prints its number.")
public final class PromptSetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "The prompt's name: letters, digits, '-', '_', '.'.")
    String prompt;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--file", paramLabel = "FILE", description = "Read the text from FILE ('-': standard input).")
        Path file;

        @Option(names = "--text", paramLabel = "TEXT", description = "The text itself.")
        String text;
    }

    @Option(names = "--author", description = "Who wrote it (default: your user name).")
    String author;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("body", source.text != null ? source.text : read(source.file));
        body.put("author", author != null ? author : System.getProperty("user.name", "cli"));
        JsonNode v = options.client()
                .post(
                        "/v1/projects/" + DaemonClient.segment(project) + "/prompts/" + DaemonClient.segment(prompt),
                        body);
        spec.commandLine()
                .getOut()
                .println("Prompt " + prompt + " of project " + project + " is now version "
                        + v.get("version").asInt() + ".");
        return 0;
    }

    private static String read(Path file) {
        try {
            if (file.toString().equals("-")) {
                InputStream in = System.in;
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClientException(ClientException.FAILED, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
