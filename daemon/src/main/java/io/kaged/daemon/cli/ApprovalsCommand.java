package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged approvals}: the permission requests of ACP agents that wait for an operator. */
@Command(
        name = "approvals",
        description = "List the permission requests of ACP agents waiting for you (--all: decided ones too).")
public final class ApprovalsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--all", description = "Decided approvals too, with who decided.")
    boolean all;

    @Option(names = "--run", description = "Only this run's.")
    String run;

    @Option(names = "--project", description = "Only this project's.")
    String project;

    @Override
    public Integer call() {
        Map<String, String> params = new LinkedHashMap<>();
        if (!all) {
            params.put("state", "pending");
        }
        params.put("runId", run);
        params.put("project", project);
        params.put("limit", "1000");
        params.values().removeIf(v -> v == null);
        JsonNode items = options.client()
                .get("/v1/approvals" + DaemonClient.query(params))
                .get("items");
        Table table = all
                ? new Table("ID", "RUN", "KIND", "TOOL CALL", "STATE", "DECISION", "BY")
                : new Table("ID", "RUN", "KIND", "TOOL CALL", "OPTIONS");
        for (JsonNode a : items) {
            JsonNode call = a.get("toolCall");
            String what = call.path("title").asText("-");
            if (all) {
                table.row(
                        a.get("id").asText(),
                        a.get("runId").asText(),
                        call.path("kind").asText("other"),
                        what,
                        a.get("state").asText(),
                        a.path("decision").asText("-"),
                        a.path("decidedBy").asText("-"));
            } else {
                StringBuilder offered = new StringBuilder();
                a.get("options").forEach(o -> offered.append(offered.length() == 0 ? "" : " ")
                        .append(o.path("optionId").asText()));
                table.row(
                        a.get("id").asText(),
                        a.get("runId").asText(),
                        call.path("kind").asText("other"),
                        what,
                        offered);
            }
        }
        table.print(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
