package io.kaged.actors.process;

/**
 * What the actor of a supervised process (a run, a session) receives: its own commands, and the
 * {@link ProcessReport}s that its {@link SupervisedProcess} sends it. The actor's behaviour is typed on
 * this, so that its handlers take the core's reports by their own classes, per state; its public
 * protocol stays its own {@code Command} type.
 */
public interface ProcessMessage {}
