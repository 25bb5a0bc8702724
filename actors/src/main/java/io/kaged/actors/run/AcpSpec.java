package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What makes a run an ACP run: kaged starts the command as the agent and is its client over stdio.
 *
 * @param prompt the first prompt, sent once the agent's session exists; null waits for {@code POST
 *     /v1/runs/{id}/prompt}
 * @param profile the agent profile of the run's project the command came from (its config's {@code
 *     acp.profiles.NAME}); its {@code permissions}, if any, are the run's policy instead of the project's
 */
public record AcpSpec(
        @JsonInclude(JsonInclude.Include.NON_NULL) String prompt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String profile) {}
