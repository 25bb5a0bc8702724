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

/** {@code kaged audit}: the audit log, newest first, filtered and paged like {@code GET /v1/audit}. */
@Command(name = "audit", description = "Show the audit log: who asked what, when, and how it ended; newest first.")
public final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Mixin
    ListOptions list;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            description = "Only this kind (run.dispatch) or family (run.*, session.*).")
    String kind;

    @Option(names = "--subject", paramLabel = "ID", description = "Only entries about this id or path.")
    String subject;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("kind", kind);
        q.put("subject", subject);
        // The audit route's after/before are times; its keyset cursor is called cursor.
        list.addTo(q, "after", "before", "cursor");
        JsonNode page = options.client().get("/v1/audit" + DaemonClient.query(q));
        list.print(spec, page, out -> {
            Table table = new Table("AT", "KIND", "SUBJECT", "OUTCOME", "ACTOR", "DETAIL");
            for (JsonNode e : page.get("items")) {
                table.row(
                        Table.time(e.get("at").asText()),
                        e.get("kind").asText(),
                        e.path("subject").asText("-"),
                        e.get("outcome").asText(),
                        e.get("actor").asText(),
                        e.path("detail").asText("-"));
            }
            table.print(out);
        });
        return 0;
    }
}
