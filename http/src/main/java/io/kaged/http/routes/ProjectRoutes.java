package io.kaged.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.project.Project;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.project.PromptDiff;
import io.kaged.persistence.project.PromptVersion;
import io.kaged.persistence.store.StoreHealth;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/projects}: projects with a JSON config and prompt texts whose every edit is a new version.
 * No actor is involved: a project is a few rows, written with their audit row in one transaction by
 * {@link ProjectStore}, and refused as a whole while the store does not take writes ({@link StoreWrites}).
 * Names are checked here, where a mistake can still be a 400 naming the field.
 */
public final class ProjectRoutes extends AllDirectives {

    /** Body of {@code POST /v1/projects}. */
    public record CreateProject(String name, JsonNode config) {}

    /** Body of {@code PUT /v1/projects/{name}/config}. */
    public record ReplaceConfig(JsonNode config) {}

    /** Body of {@code POST /v1/projects/{name}/prompts/{prompt}}. */
    public record NewVersion(String body, String author) {}

    /** The largest config accepted, as compact JSON: config is settings, not data. */
    static final int MAX_CONFIG_BYTES = 64 * 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String ACTOR = "api";

    private final ProjectStore projects;
    private final ObjectMapper mapper;
    private final Json json;
    private final StoreWrites writes;

    public ProjectRoutes(ProjectStore projects, StoreHealth health, ObjectMapper mapper) {
        this.projects = projects;
        this.mapper = mapper;
        this.json = new Json(mapper);
        this.writes = new StoreWrites(health);
    }

    public Route route() {
        return pathPrefix(
                "projects",
                () -> concat(
                        pathEnd(() -> concat(post(this::create), get(this::list))),
                        pathPrefix(
                                PathMatchers.segment(),
                                name -> concat(
                                        pathEnd(() -> get(() -> getOne(name))),
                                        path("config", () -> put(() -> replaceConfig(name))),
                                        pathPrefix("prompts", () -> prompts(name))))));
    }

    private Route prompts(String project) {
        return concat(
                pathEnd(() -> get(() -> listPrompts(project))),
                pathPrefix(
                        PathMatchers.segment(),
                        prompt -> concat(
                                pathEnd(() -> concat(
                                        post(() -> addVersion(project, prompt)), get(() -> latest(project, prompt)))),
                                pathPrefix(
                                        "versions",
                                        () -> concat(
                                                pathEnd(() -> get(() -> versions(project, prompt))),
                                                path(
                                                        PathMatchers.segment(),
                                                        n -> get(() -> version(project, prompt, n))))),
                                path("diff", () -> get(() -> diff(project, prompt))))));
    }

    // ---- projects -------------------------------------------------------------------------------

    private Route create() {
        return json.body(CreateProject.class, body -> {
            String name = name("name", body.name());
            String config = config(body.config(), true);
            return completeWithFuture(writes.write(() -> projects.create(name, config, ACTOR)
                    .thenApply(created -> created.map(p -> json.reply(StatusCodes.CREATED, ProjectViews.of(p, mapper))
                                    .addHeader(Location.create("/v1/projects/" + name)))
                            .orElseGet(() -> Problem.response(
                                    StatusCodes.CONFLICT,
                                    "A project named '" + name + "' exists already; PUT /v1/projects/" + name
                                            + "/config replaces its config.")))));
        });
    }

    private Route list() {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("limit", "offset"));
            int limit = QueryParams.intParam(params, "limit", 100, 1, 1000);
            int offset = QueryParams.intParam(params, "offset", 0, 0, Integer.MAX_VALUE);
            return completeWithFuture(projects.list(limit, offset)
                    .thenApply(items -> json.reply(
                            StatusCodes.OK,
                            new OffsetPage<>(
                                    items.stream()
                                            .map(p -> ProjectViews.of(p, mapper))
                                            .toList(),
                                    limit,
                                    offset))));
        });
    }

    private Route getOne(String name) {
        return completeWithFuture(existing(name, p -> done(json.reply(StatusCodes.OK, ProjectViews.of(p, mapper)))));
    }

    private Route replaceConfig(String name) {
        return json.body(ReplaceConfig.class, body -> {
            String config = config(body.config(), false);
            return completeWithFuture(writes.write(() -> projects.replaceConfig(name, config, ACTOR)
                    .thenApply(replaced -> replaced.map(p -> json.reply(StatusCodes.OK, ProjectViews.of(p, mapper)))
                            .orElseGet(() -> noProject(name)))));
        });
    }

    // ---- prompts --------------------------------------------------------------------------------

    private Route listPrompts(String project) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("limit", "offset"));
            int limit = QueryParams.intParam(params, "limit", 100, 1, 1000);
            int offset = QueryParams.intParam(params, "offset", 0, 0, Integer.MAX_VALUE);
            return completeWithFuture(existing(project, p -> projects.prompts(p, limit, offset)
                    .thenApply(items -> json.reply(
                            StatusCodes.OK,
                            new OffsetPage<>(
                                    items.stream().map(ProjectViews::of).toList(), limit, offset)))));
        });
    }

    private Route addVersion(String project, String prompt) {
        return json.body(NewVersion.class, body -> {
            name("prompt", prompt);
            if (body.body() == null) {
                throw new JsonBodies.BadRequest("Field 'body' is required: the prompt's text.");
            }
            JsonBodies.noNul("body", body.body());
            String author = body.author() == null ? ACTOR : body.author();
            if (author.isBlank() || author.length() > 200) {
                throw new JsonBodies.BadRequest("Field 'author' must hold 1 to 200 characters.");
            }
            JsonBodies.noNul("author", author);
            return completeWithFuture(
                    writes.write(() -> projects.addVersion(project, prompt, body.body(), author, ACTOR)
                            .thenApply(added -> added.map(v -> json.reply(StatusCodes.CREATED, ProjectViews.of(v))
                                            .addHeader(Location.create(versionPath(v))))
                                    .orElseGet(() -> noProject(project)))));
        });
    }

    private Route latest(String project, String prompt) {
        return completeWithFuture(existing(project, p -> projects.latest(p, prompt)
                .thenApply(v -> v.map(found -> json.reply(StatusCodes.OK, ProjectViews.of(found)))
                        .orElseGet(() -> noPrompt(project, prompt)))));
    }

    private Route versions(String project, String prompt) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("limit", "offset"));
            int limit = QueryParams.intParam(params, "limit", 100, 1, 1000);
            int offset = QueryParams.intParam(params, "offset", 0, 0, Integer.MAX_VALUE);
            return completeWithFuture(
                    existingPrompt(project, prompt, (p, latest) -> projects.versions(p, prompt, limit, offset)
                            .thenApply(items -> json.reply(
                                    StatusCodes.OK,
                                    new OffsetPage<>(
                                            items.stream().map(ProjectViews::of).toList(), limit, offset)))));
        });
    }

    private Route version(String project, String prompt, String n) {
        int number = versionNumber("version", n);
        return completeWithFuture(existingPrompt(project, prompt, (p, latest) -> projects.version(p, prompt, number)
                .thenApply(v -> v.map(found -> json.reply(StatusCodes.OK, ProjectViews.of(found)))
                        .orElseGet(() -> noVersion(project, prompt, number, latest)))));
    }

    /** {@code GET .../diff?from=N&to=M}: a unified diff as text, empty when the two texts are equal. */
    private Route diff(String project, String prompt) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("from", "to"));
            int from = versionNumber("from", params.get("from"));
            int to = versionNumber("to", params.get("to"));
            return completeWithFuture(existingPrompt(project, prompt, (p, latest) -> projects.version(p, prompt, from)
                    .thenCombine(projects.version(p, prompt, to), (a, b) -> {
                        if (a.isEmpty()) {
                            return noVersion(project, prompt, from, latest);
                        }
                        if (b.isEmpty()) {
                            return noVersion(project, prompt, to, latest);
                        }
                        return HttpResponse.create()
                                .withEntity(HttpEntities.create(
                                        ContentTypes.TEXT_PLAIN_UTF8,
                                        PromptDiff.unified(a.get(), b.get()).getBytes(StandardCharsets.UTF_8)));
                    })));
        });
    }

    // ---- checks ---------------------------------------------------------------------------------

    private static String name(String field, String value) {
        if (value == null) {
            throw new JsonBodies.BadRequest(
                    "Field '" + field + "' is required: 1 to 200 letters, digits, '-', '_' or '.'.");
        }
        if (!NAME.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new JsonBodies.BadRequest("Field '" + field + "' must be 1 to 200 letters, digits, '-', '_' or '.'"
                    + " (not '.' or '..'), e.g. 'code-review'.");
        }
        return value;
    }

    /** The config as compact JSON text; {@code {}} when it may be left out and is. */
    private String config(JsonNode config, boolean optional) {
        if (config == null || config.isNull()) {
            if (optional) {
                return "{}";
            }
            throw new JsonBodies.BadRequest("Field 'config' is required: a JSON object, e.g. {\"model\": \"...\"}.");
        }
        if (!config.isObject()) {
            throw new JsonBodies.BadRequest("Field 'config' must be a JSON object, e.g. {\"model\": \"...\"}.");
        }
        String text;
        try {
            text = mapper.writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_CONFIG_BYTES) {
            throw new JsonBodies.BadRequest(
                    "Field 'config' is too large: " + MAX_CONFIG_BYTES + " bytes of JSON at most.");
        }
        return text;
    }

    private static int versionNumber(String name, String value) {
        if (value == null) {
            throw new JsonBodies.BadRequest("Parameter '" + name + "' is required: a version number from 1.");
        }
        return QueryParams.intParam(Map.of(name, value), name, 1, 1, Integer.MAX_VALUE);
    }

    // ---- answers --------------------------------------------------------------------------------

    private interface PromptWork {
        CompletionStage<HttpResponse> apply(Project project, PromptVersion latest);
    }

    private CompletionStage<HttpResponse> existing(String name, Function<Project, CompletionStage<HttpResponse>> then) {
        return projects.get(name).thenCompose(p -> p.isPresent() ? then.apply(p.get()) : done(noProject(name)));
    }

    /** Runs {@code then} if the project has the prompt; 404 naming what is missing otherwise. */
    private CompletionStage<HttpResponse> existingPrompt(String project, String prompt, PromptWork then) {
        return existing(project, p -> projects.latest(p, prompt)
                .thenCompose((Optional<PromptVersion> latest) ->
                        latest.isPresent() ? then.apply(p, latest.get()) : done(noPrompt(project, prompt))));
    }

    private static String versionPath(PromptVersion v) {
        return "/v1/projects/" + v.project() + "/prompts/" + v.prompt() + "/versions/" + v.version();
    }

    private static HttpResponse noProject(String name) {
        return Problem.response(StatusCodes.NOT_FOUND, "No project named '" + name + "'. GET /v1/projects lists them.");
    }

    private static HttpResponse noPrompt(String project, String prompt) {
        return Problem.response(
                StatusCodes.NOT_FOUND,
                "Project '" + project + "' has no prompt '" + prompt + "'. GET /v1/projects/" + project
                        + "/prompts lists them.");
    }

    private static HttpResponse noVersion(String project, String prompt, int version, PromptVersion latest) {
        return Problem.response(
                StatusCodes.NOT_FOUND,
                "Prompt '" + prompt + "' of project '" + project + "' has no version " + version
                        + "; its versions are 1 to " + latest.version() + ".");
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
