package io.kaged.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.run.RunSpec;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.secret.SecretStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Agent profiles: a project's config may name agents under {@code acp.profiles}, e.g. {@code {"acp":
 * {"profiles": {"claude": {"command": ["npx", "-y", "@zed-industries/claude-agent-acp"], "env": {...},
 * "permissions": [...]}}}}}. A dispatch with {@code acp.profile} takes the profile's env (under the request's
 * own); the run actor applies the profile's {@code permissions} as the run's policy. The command stays the
 * request's, which the API requires: {@code kaged agent start --profile} fills it from the profile. Resolved
 * when the run is dispatched: the recorded dispatch has the variables the process got. A profile's env value
 * may be {@code {"secret": "NAME"}}, as in a request: the run records the secret's name, and the value is read
 * when the process starts.
 */
final class AgentProfiles {

    /** A profile resolved into the run's spec, or the 400 that says why it could not be. */
    record Resolved(RunSpec spec, HttpResponse refusal) {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProjectStore projects;
    private final SecretStore secrets;

    /** @param secrets where the secrets a profile names must be set; null checks only their names */
    AgentProfiles(ProjectStore projects, SecretStore secrets) {
        this.projects = projects;
        this.secrets = secrets;
    }

    /** The request's own mistakes, before anything is read. */
    static void validate(String profile, String project) {
        if (profile == null) {
            return;
        }
        if (!NAME.matcher(profile).matches()) {
            throw new JsonBodies.BadRequest("Field 'acp.profile' must be a profile's name: letters, digits, '.', '_'"
                    + " and '-', at most 64 characters, such as \"claude\".");
        }
        if (project == null) {
            throw new JsonBodies.BadRequest("Field 'acp.profile' needs 'project': agent profiles live in a project's"
                    + " config, under acp.profiles.");
        }
    }

    CompletionStage<Resolved> resolve(RunSpec spec) {
        if (!spec.speaksAcp() || spec.acp().profile() == null) {
            return CompletableFuture.completedFuture(new Resolved(spec, null));
        }
        String name = spec.acp().profile();
        return projects.get(spec.project()).thenApply(found -> {
            if (found.isEmpty()) {
                return refused("Field 'project' names no project: " + spec.project()
                        + ". Agent profiles live in a project's config; POST /v1/projects creates one.");
            }
            JsonNode profiles;
            try {
                profiles = JSON.readTree(found.get().config()).path("acp").path("profiles");
            } catch (IOException e) {
                return refused("Project " + spec.project() + " has a config that is not JSON.");
            }
            JsonNode profile = profiles.path(name);
            if (!profile.isObject()) {
                List<String> names = new ArrayList<>();
                profiles.fieldNames().forEachRemaining(names::add);
                return refused("Project " + spec.project() + " has no agent profile '" + name + "'; its config's"
                        + " acp.profiles " + (names.isEmpty() ? "is empty" : "has " + String.join(", ", names)) + ".");
            }
            String at = "acp.profiles." + name;
            EnvBody profileEnv;
            try {
                profileEnv = EnvBody.of(envValues(profile.path("env")), secrets);
            } catch (IllegalArgumentException e) {
                return refused(at + ".env of project " + spec.project()
                        + " must map variable names to strings or {\"secret\": \"NAME\"}: " + e.getMessage() + ".");
            } catch (JsonBodies.BadRequest e) {
                return refused(at + ".env of project " + spec.project() + ": " + e.getMessage());
            }
            // the request's own variables win, whether plain or secret
            Map<String, String> env = new LinkedHashMap<>(profileEnv.env());
            Map<String, String> secretEnv = new LinkedHashMap<>(profileEnv.secretEnv());
            env.keySet().removeAll(spec.secretEnv().keySet());
            secretEnv.keySet().removeAll(spec.env().keySet());
            env.putAll(spec.env());
            secretEnv.putAll(spec.secretEnv());
            return new Resolved(
                    new RunSpec(
                            spec.command(),
                            spec.cwd(),
                            env,
                            spec.input(),
                            spec.parentId(),
                            spec.sessionId(),
                            spec.project(),
                            spec.timeoutMs(),
                            spec.retries(),
                            spec.onParentEnd(),
                            spec.acp(),
                            spec.workspace(),
                            spec.sandbox(),
                            secretEnv),
                    null);
        });
    }

    /** A profile's {@code env} as a request's: each value a string or {@code {"secret": "NAME"}}. */
    private static Map<String, EnvValue> envValues(JsonNode env) {
        if (env.isMissingNode() || env.isNull()) {
            return Map.of();
        }
        if (!env.isObject()) {
            throw new IllegalArgumentException("it is not an object");
        }
        Map<String, EnvValue> values = new LinkedHashMap<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) env::fields) {
            JsonNode v = field.getValue();
            if (v.isTextual()) {
                values.put(field.getKey(), new EnvValue(v.asText(), null));
            } else if (v.isObject() && v.size() == 1 && v.path("secret").isTextual()) {
                values.put(field.getKey(), new EnvValue(null, v.get("secret").asText()));
            } else {
                throw new IllegalArgumentException("'" + field.getKey() + "' is neither");
            }
        }
        return values;
    }

    private static Resolved refused(String reason) {
        return new Resolved(null, Problem.response(StatusCodes.BAD_REQUEST, reason));
    }
}
