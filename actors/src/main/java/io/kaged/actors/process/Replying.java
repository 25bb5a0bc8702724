package io.kaged.actors.process;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * A command answered with a {@link StatusReply}: a phase that refuses every such command alike (no such
 * run, no such session) handles them with one handler.
 */
public interface Replying<T> extends ProcessMessage {
    ActorRef<StatusReply<T>> replyTo();
}
