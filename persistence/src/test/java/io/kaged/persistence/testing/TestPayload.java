package io.kaged.persistence.testing;

import org.apache.pekko.actor.ActorRef;

/**
 * The payload of the Pekko TCK's "serialize events" and "serialize snapshots" cases: it holds an actor
 * reference, so its serializer ({@link TestPayloadSerializer}) needs the actor system while it runs.
 */
public record TestPayload(ActorRef ref) {}
