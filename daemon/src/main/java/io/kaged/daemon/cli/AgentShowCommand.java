package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged agent show ID}: an ACP run's state and its conversation, one item a paragraph. */
@Command(name = "show", description = "Show an ACP run's conversation: prompts, replies, thoughts, tool calls, plans.")
public final class AgentShowCommand implements Callable<Integer> {

    private static final int PAGE = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "RUN", description = "The run id.")
    String id;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        PrintWriter out = spec.commandLine().getOut();
        JsonNode run = client.get("/v1/runs/" + id);
        out.println("run " + id + "  " + run.get("state").asText() + "  " + RunShowCommand.argv(run));
        int offset = 0;
        while (true) {
            JsonNode page = client.get("/v1/runs/" + id + "/conversation?limit=" + PAGE + "&offset=" + offset);
            if (offset == 0 && page.has("agent")) {
                out.println(agent(page.get("agent")));
            }
            for (JsonNode item : page.get("items")) {
                out.println(line(item));
            }
            if (!page.hasNonNull("next")) {
                break;
            }
            offset = page.get("next").asInt();
        }
        out.flush();
        return 0;
    }

    /** "agent codex-acp 0.16.0: session s-1 (load)", or why its setup failed and how it wants to be logged in. */
    static String agent(JsonNode agent) {
        JsonNode info = agent.path("info");
        String who = "agent " + info.path("name").asText("?") + " "
                + info.path("version").asText("");
        if (agent.hasNonNull("setupError")) {
            StringBuilder auth = new StringBuilder();
            agent.path("authMethods").forEach(m -> auth.append(auth.length() == 0 ? "" : ", ")
                    .append(m.path("name").asText(m.path("id").asText())));
            return who.trim() + ": setup failed: " + agent.get("setupError").asText()
                    + (auth.length() == 0 ? "" : " (it offers: " + auth + ")");
        }
        return who.trim() + ": session " + agent.path("sessionId").asText() + " ("
                + agent.path("session").asText() + ")"
                + (agent.hasNonNull("note") ? "; " + agent.get("note").asText() : "");
    }

    static String line(JsonNode item) {
        return switch (item.get("type").asText()) {
            case "user_message" -> "> " + item.path("text").asText();
            case "agent_message" -> item.path("text").asText();
            case "thought" -> "(thinking) " + item.path("text").asText();
            case "tool_call" ->
                "[" + item.path("kind").asText() + " " + item.path("status").asText() + "] "
                        + item.path("title").asText();
            case "plan" -> {
                StringBuilder plan = new StringBuilder("plan:");
                item.path("entries").forEach(e -> plan.append("\n  - [")
                        .append(e.path("status").asText())
                        .append("] ")
                        .append(e.path("content").asText()));
                yield plan.toString();
            }
            case "turn_end" ->
                "-- turn ended: "
                        + (item.hasNonNull("stopReason")
                                ? item.get("stopReason").asText()
                                : "error: " + item.path("error").asText());
            default -> item.toString();
        };
    }
}
