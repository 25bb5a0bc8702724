package io.kaged.actors.run.agent;

import io.kaged.actors.run.RunState;
import io.kaged.actors.run.RunState.Existing;

/** Whether the operator's ACP commands (a prompt, a turn's cancel) can reach a run's agent now. */
final class AgentLiveness {

    private AgentLiveness() {}

    /** Why an ACP command cannot reach this run's agent; null when it can. */
    static String notLive(String runId, Existing s, AgentState agent) {
        if (agent == null) {
            return "run " + runId + " is not an ACP run: it was started without \"acp\", so kaged does not speak"
                    + " to its process";
        }
        if (s instanceof RunState.Finished f) {
            return "run " + runId + " has finished (" + f.outcome() + ")";
        }
        if (s instanceof RunState.Paused) {
            return "run " + runId + " is paused; resume it first (POST /v1/runs/" + runId + "/resume)";
        }
        return null;
    }
}
