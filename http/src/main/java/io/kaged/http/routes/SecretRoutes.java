package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.secret.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/secrets}: the operator's secrets by name. A value goes in ({@code PUT}) and never comes out:
 * the list and every answer name secrets only. Each change is audited, by name. The files are read and
 * written on the blocking executor, never on a route's thread.
 */
public final class SecretRoutes extends AllDirectives {

    /** Body of {@code PUT /v1/secrets/{name}}. */
    public record PutSecret(String value) {}

    public record SecretName(String name) {}

    public record SecretList(List<SecretName> items) {}

    public record SecretSet(String name, boolean created) {}

    private static final String ACTOR = "api";

    private final SecretStore secrets;
    private final AuditTrail audit;
    private final Executor blocking;
    private final Json json;

    public SecretRoutes(SecretStore secrets, AuditTrail audit, Executor blocking, ObjectMapper mapper) {
        this.secrets = secrets;
        this.audit = audit;
        this.blocking = blocking;
        this.json = new Json(mapper);
    }

    public Route route() {
        return pathPrefix(
                "secrets",
                () -> concat(
                        pathEnd(() -> get(this::list)),
                        path(
                                PathMatchers.segment(),
                                name -> concat(put(() -> set(name)), delete(() -> remove(name))))));
    }

    private Route list() {
        return completeWithFuture(io(() -> json.reply(
                StatusCodes.OK,
                new SecretList(names().stream().map(SecretName::new).toList()))));
    }

    private Route set(String name) {
        String nameProblem = SecretStore.nameProblem(name);
        if (nameProblem != null) {
            return complete(
                    Problem.response(StatusCodes.BAD_REQUEST, "The secret's name is not valid: " + nameProblem));
        }
        return json.body(PutSecret.class, body -> {
            if (body.value() == null) {
                throw new JsonBodies.BadRequest("Field 'value' is required: the secret's value.");
            }
            byte[] value = body.value().getBytes(StandardCharsets.UTF_8);
            String valueProblem = SecretStore.valueProblem(value);
            if (valueProblem != null) {
                throw new JsonBodies.BadRequest("Field 'value': " + valueProblem + ".");
            }
            return completeWithFuture(io(() -> {
                boolean created = secrets.put(name, value);
                audit.record(ACTOR, "secret.set", name, "ok", created ? "created" : "replaced");
                return json.reply(created ? StatusCodes.CREATED : StatusCodes.OK, new SecretSet(name, created));
            }));
        });
    }

    private Route remove(String name) {
        return completeWithFuture(io(() -> {
            if (!secrets.remove(name)) {
                return Problem.response(
                        StatusCodes.NOT_FOUND, "No secret named '" + name + "'. GET /v1/secrets lists them.");
            }
            audit.record(ACTOR, "secret.remove", name, "ok", null);
            return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
        }));
    }

    private List<String> names() throws IOException {
        return secrets.names();
    }

    private interface FileWork {
        HttpResponse run() throws IOException;
    }

    private CompletableFuture<HttpResponse> io(FileWork work) {
        return CompletableFuture.supplyAsync(
                (Supplier<HttpResponse>) () -> {
                    try {
                        return work.run();
                    } catch (IOException e) {
                        // a full or read-only disk under the home: the operator's to fix, said without the value
                        return Problem.unavailable("the secrets folder " + secrets.folder() + " cannot be used: "
                                + e.getClass().getSimpleName() + " " + e.getMessage());
                    }
                },
                blocking);
    }
}
