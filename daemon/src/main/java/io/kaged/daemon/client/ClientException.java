package io.kaged.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A client command that could not be done, with the exit code it maps to. */
public final class ClientException extends RuntimeException {

    public static final int FAILED = 1;
    public static final int NOT_RUNNING = 3;
    public static final int REFUSED = 4;
    public static final int NOT_FOUND = 5;

    private final int exitCode;

    public ClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    static ClientException fromProblem(int status, JsonNode problem) {
        String detail = problem.path("detail").asText("HTTP " + status);
        return switch (status) {
            case 401 ->
                new ClientException(
                        FAILED,
                        "the daemon refused the token (" + detail
                                + "); was the home's auth-token replaced? Restart the daemon or use the right KAGED_HOME.");
            case 404 -> new ClientException(NOT_FOUND, detail);
            case 409 -> new ClientException(REFUSED, detail);
            default -> new ClientException(FAILED, detail);
        };
    }
}
