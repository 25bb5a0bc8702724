package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A session as the API shows it, read from the {@code sessions} query table. Environment values are not
 * shown (they often hold credentials), only their names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionView(
        String id,
        String name,
        String project,
        String state,
        List<String> command,
        String cwd,
        List<String> envKeys,
        int cols,
        int rows,
        String restart,
        Long pid,
        Integer exitCode,
        int restarts,
        long transcriptBytes,
        String createdAt,
        String startedAt,
        String endedAt) {}
