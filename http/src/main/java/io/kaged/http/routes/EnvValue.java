package io.kaged.http.routes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;

/**
 * One value of a request's {@code env}: a string, given as it is, or {@code {"secret": "NAME"}}, the value
 * of a secret kaged keeps, looked up when the process starts.
 *
 * @param value the literal value; null for a secret
 * @param secret the secret's name; null for a literal
 */
@JsonDeserialize(using = EnvValue.Reader.class)
public record EnvValue(String value, String secret) {

    /** The object form: exactly one field, {@code secret}. */
    record SecretRef(String secret) {}

    static final class Reader extends JsonDeserializer<EnvValue> {
        @Override
        public EnvValue deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new EnvValue(p.getText(), null);
            }
            if (p.currentToken() == JsonToken.START_OBJECT) {
                SecretRef ref = ctxt.readValue(p, SecretRef.class);
                if (ref == null || ref.secret() == null) {
                    return ctxt.reportInputMismatch(
                            EnvValue.class, "an env value object must be {\"secret\": \"NAME\"}");
                }
                return new EnvValue(null, ref.secret());
            }
            return ctxt.reportInputMismatch(EnvValue.class, "an env value is a string or {\"secret\": \"NAME\"}");
        }
    }
}
