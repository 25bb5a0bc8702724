package io.kaged.http.routes;

import io.kaged.persistence.secret.SecretStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's {@code env} checked and split: the literal values, which are stored with the run or session,
 * and the secret references (variable → secret name), of which only the names are stored.
 */
record EnvBody(Map<String, String> env, Map<String, String> secretEnv) {

    private static final String VARIABLE = "[A-Za-z_][A-Za-z0-9_]*";

    /** @param secrets checked for each name referred to; null checks only the names' form */
    static EnvBody of(Map<String, EnvValue> env, SecretStore secrets) {
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, String> secret = new LinkedHashMap<>();
        if (env == null) {
            return new EnvBody(plain, secret);
        }
        for (Map.Entry<String, EnvValue> e : env.entrySet()) {
            String name = e.getKey();
            JsonBodies.noNul("env", name);
            if (name == null || !name.matches(VARIABLE)) {
                throw new JsonBodies.BadRequest("Field 'env' must map variable names (letters, digits, _) to strings"
                        + " or {\"secret\": \"NAME\"}.");
            }
            EnvValue v = e.getValue();
            if (v.secret() == null) {
                JsonBodies.noNul("env", v.value());
                plain.put(name, v.value());
                continue;
            }
            String problem = SecretStore.nameProblem(v.secret());
            if (problem != null) {
                throw new JsonBodies.BadRequest("Field 'env." + name + ".secret': " + problem + ".");
            }
            if (secrets != null && secrets.get(v.secret()).isEmpty()) {
                throw new JsonBodies.BadRequest("Field 'env." + name + "' names the secret '" + v.secret()
                        + "', which is not set. Set it with kaged secret set " + v.secret()
                        + " (or PUT /v1/secrets/" + v.secret() + "); kaged secret ls lists them.");
            }
            secret.put(name, v.secret());
        }
        return new EnvBody(plain, secret);
    }
}
