package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** kaged's answers to the agent's requests, one per {@link AgentRequest} kind. */
public sealed interface ClientResponse {

    record RequestPermission(Outcome outcome) implements ClientResponse {
        public static RequestPermission selected(String optionId) {
            return new RequestPermission(new Outcome.Selected(optionId));
        }

        public static RequestPermission cancelled() {
            return new RequestPermission(new Outcome.Cancelled());
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
    @JsonSubTypes({@JsonSubTypes.Type(Outcome.Selected.class), @JsonSubTypes.Type(Outcome.Cancelled.class)})
    sealed interface Outcome {
        @JsonTypeName("selected")
        record Selected(String optionId) implements Outcome {}

        @JsonTypeName("cancelled")
        record Cancelled() implements Outcome {}
    }

    record ReadTextFile(String content) implements ClientResponse {}

    /** The schema's empty object. */
    record WriteTextFile() implements ClientResponse {}

    record CreateTerminal(String terminalId) implements ClientResponse {}

    record TerminalOutput(String output, boolean truncated, ExitStatus exitStatus) implements ClientResponse {}

    record ExitStatus(Integer exitCode, String signal) {}

    record WaitForTerminalExit(Integer exitCode, String signal) implements ClientResponse {}

    record KillTerminal() implements ClientResponse {}

    record ReleaseTerminal() implements ClientResponse {}
}
