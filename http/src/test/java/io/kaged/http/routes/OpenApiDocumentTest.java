package io.kaged.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bundled OpenAPI document is valid OpenAPI 3.0 (checked by swagger-parser) and keeps the API's
 * conventions. Whether it matches the server is the daemon's {@code OpenApiTest}.
 */
class OpenApiDocumentTest {

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        return new OpenAPIV3Parser()
                .readContents(new String(OpenApiRoutes.load(), StandardCharsets.UTF_8), null, options);
    }

    @Test
    void isValidOpenApi30() {
        SwaggerParseResult result = parse();
        assertEquals(List.of(), result.getMessages(), "swagger-parser's findings");
        assertNotNull(result.getOpenAPI());
        assertEquals("3.0.3", result.getOpenAPI().getOpenapi());
    }

    @Test
    void everyOperationIsNamedAndAnswersErrorsAsProblems() {
        OpenAPI api = parse().getOpenAPI();
        Set<String> ids = new HashSet<>();
        List<String> mistakes = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String where = method + " " + path;
            if (op.getOperationId() == null || !ids.add(op.getOperationId())) {
                mistakes.add(where + ": missing or repeated operationId");
            }
            boolean open = op.getSecurity() != null && op.getSecurity().isEmpty();
            if (open == op.getResponses().containsKey("401")) {
                mistakes.add(where + (open ? ": open but documents 401" : ": needs a token but documents no 401"));
            }
            problems(op).forEach((status, response) -> {
                if (response.getContent() == null
                        || !response.getContent().keySet().equals(Set.of("application/problem+json"))) {
                    mistakes.add(where + ": " + status + " is not application/problem+json");
                }
            });
        }));
        assertTrue(mistakes.isEmpty(), String.join("\n", mistakes));
    }

    private static Map<String, ApiResponse> problems(Operation op) {
        Map<String, ApiResponse> errors = new java.util.TreeMap<>();
        op.getResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                errors.put(status, response);
            }
        });
        return errors;
    }
}
