package io.kaged.actors.acp;

/**
 * The facts of an ACP run that make up its conversation, in the order they happened. The run actor journals
 * them (inside its own events) and {@link Conversation} folds them; replaying the journal gives the same
 * conversation.
 */
public sealed interface ConversationEvent {

    /** kaged sent a prompt on the operator's behalf. */
    record PromptSent(String text) implements ConversationEvent {}

    /** The agent sent a {@code session/update}. */
    record UpdateReceived(SessionUpdate update) implements ConversationEvent {}

    /** The turn ended with the agent's stop reason. */
    record TurnEnded(StopReason stopReason) implements ConversationEvent {}

    /** The turn ended without a stop reason: the agent answered an error, or went away. */
    record TurnFailed(String message) implements ConversationEvent {}
}
