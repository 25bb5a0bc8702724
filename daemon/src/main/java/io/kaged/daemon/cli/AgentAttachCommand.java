package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kaged agent attach ID}: the conversation of an ACP run from its start, then live; every line typed is
 * a prompt (queued while a turn runs). It ends when the run does; Ctrl-C detaches, Ctrl-D stops the prompts.
 */
@Command(
        name = "attach",
        description = "Follow an ACP run's conversation live; each line you type is a prompt (queued while a turn"
                + " runs). Ends with the run; Ctrl-C detaches.")
public final class AgentAttachCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where prompts are read from; the terminal, unless a test gives another. */
    static InputStream prompts = System.in;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "RUN", description = "The run id.")
    String id;

    /** The text printed so far of each message item, so a growing message prints only what is new. */
    private final Map<Integer, String> printed = new HashMap<>();

    private int lastIndex = -1;
    private boolean midLine;

    @Override
    public Integer call() throws IOException {
        DaemonClient client = options.client();
        PrintWriter out = spec.commandLine().getOut();
        client.get("/v1/runs/" + id); // a 404 for a typo, before anything is read
        Thread reader = new Thread(() -> readPrompts(client, spec.commandLine().getErr()), "kaged-agent-prompts");
        reader.setDaemon(true);
        reader.start();
        String event = null;
        StringBuilder data = new StringBuilder();
        for (Iterator<String> lines =
                        client.lines("/v1/runs/" + id + "/events?from=0").iterator();
                lines.hasNext(); ) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                event = line.substring("event:".length()).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length()));
            } else if (line.isEmpty()) {
                if ("ConversationItem".equals(event)) {
                    show(out, JSON.readTree(data.toString()));
                }
                event = null;
                data.setLength(0);
            }
        }
        if (midLine) {
            out.println();
        }
        out.println("-- run " + client.get("/v1/runs/" + id).get("state").asText());
        out.flush();
        return 0;
    }

    private void readPrompts(DaemonClient client, PrintWriter err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(prompts, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    client.post("/v1/runs/" + id + "/prompt", Map.of("text", line, "queue", true));
                } catch (ClientException e) {
                    err.println("kaged: " + e.getMessage());
                    err.flush();
                }
            }
        } catch (IOException e) {
            // the terminal went away: nothing more to send
        }
    }

    private synchronized void show(PrintWriter out, JsonNode item) {
        int index = item.get("index").asInt();
        String type = item.get("type").asText();
        boolean message = type.equals("agent_message") || type.equals("thought") || type.equals("user_message");
        String text = item.path("text").asText("");
        String before = printed.get(index);
        if (message && index == lastIndex && before != null && text.startsWith(before)) {
            out.print(text.substring(before.length()));
        } else {
            if (midLine) {
                out.println();
            }
            String line = AgentShowCommand.line(item);
            out.print(line);
            if (!message) {
                out.println();
            }
            midLine = message;
        }
        if (message) {
            printed.put(index, text);
        }
        lastIndex = index;
        out.flush();
    }
}
