/**
 * Session and run actors: each session and each agent run is an event-sourced actor under a supervisor,
 * persisting to {@code kaged.persistence.journal}. Depends only on {@code persistence}.
 */
package io.kaged.actors;
