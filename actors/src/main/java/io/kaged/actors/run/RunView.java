package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A run as the API shows it, from the {@code runs} table; environment values are never shown. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
        String id,
        String parentId,
        String sessionId,
        String project,
        String state,
        List<String> command,
        String cwd,
        List<String> envKeys,
        Long timeoutMs,
        int retries,
        int attempts,
        Integer exitCode,
        int children,
        String createdAt,
        String startedAt,
        String endedAt,
        Long durationMs) {}
