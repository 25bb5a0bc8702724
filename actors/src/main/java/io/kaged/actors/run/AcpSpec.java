package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What makes a run an ACP run: kaged starts the command as the agent and is its client over stdio.
 *
 * @param prompt the first prompt, sent once the agent's session exists; null waits for {@code POST
 *     /v1/runs/{id}/prompt}
 */
public record AcpSpec(@JsonInclude(JsonInclude.Include.NON_NULL) String prompt) {}
