package io.kaged.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged project new NAME [--config JSON]}: creates a project. */
@Command(name = "new", description = "Create a project, with an optional JSON object as its config.")
public final class ProjectNewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "1 to 200 letters, digits, '-', '_' or '.'.")
    String name;

    @Option(names = "--config", paramLabel = "JSON", description = "The config, a JSON object (default {}).")
    String config;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (config != null) {
            body.put("config", parse(config));
        }
        JsonNode p = options.client().post("/v1/projects", body);
        spec.commandLine().getOut().println("Project " + p.get("name").asText() + " created.");
        return 0;
    }

    private JsonNode parse(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config is empty; give a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--config is not JSON: " + e.getOriginalMessage());
        }
    }
}
