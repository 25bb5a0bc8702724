package io.kaged.actors.run.agent;

import io.kaged.actors.acp.AcpConnection;
import io.kaged.actors.acp.AgentMessage;
import io.kaged.actors.acp.PermissionPolicy;
import io.kaged.actors.acp.WorkspaceFiles;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.run.RunSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The ACP channel of one attempt of a run, alive only in the run actor's current incarnation: the connection
 * to the agent's stdio, the agent's messages not yet taken by the actor, the session id once the agent has
 * one, and the policy read when the attempt started. The reader thread only queues a message, and tells the
 * actor once per batch ({@link RunAgent.AgentWaiting}), so a burst of chunks becomes one journal event, in
 * the agent's order.
 */
final class AgentLink {

    /** An fs/* read or write is of text, not of a build's artefacts. */
    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    /**
     * How many of the agent's lines may wait for the actor (a message of joined chunks counts its lines). Past it
     * the reader thread waits, so the agent's stdout pipe fills and the agent waits too: an agent faster than the
     * journal is slowed, not buffered.
     */
    static final int MAX_WAITING = 10_000;

    final int attempt;
    final AcpConnection connection;
    final Path cwd;
    private final Queue<AgentMessage> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean told = new AtomicBoolean();
    /** Whether a few updates wait for more before the actor takes them. */
    final UpdateHold hold = new UpdateHold();

    private final java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(MAX_WAITING);
    private volatile boolean closed;
    /** The agent's lines queued so far, and taken; a message's number is its first line's place in that count. */
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

    private long taken;
    /** Updates numbered below this are a session/load's replay; unbounded while the load runs. */
    private volatile long replayEnd;
    /** How many replayed updates were left out of the journal. */
    int replayed;

    private WorkspaceFiles files;
    /** The run's spec, for its workspace's extra directories ({@link AgentWorkspace}). */
    private RunSpec spec;

    String sessionId;
    io.kaged.actors.acp.Permissions policy = PermissionPolicy.EMPTY;

    private AgentLink(int attempt, AgentPipes pipes, Executor blocking, ActorRef<ProcessMessage> self, Path cwd) {
        this.attempt = attempt;
        this.cwd = cwd;
        this.connection = new AcpConnection(
                pipes.fromAgent(),
                pipes.toAgent(),
                blocking,
                blocking,
                message -> {
                    int lines = lines(message);
                    waitForRoom(lines);
                    hold.queuing(message);
                    received.addAndGet(lines);
                    inbox.add(message);
                    if (told.compareAndSet(false, true) || hold.wakes(message)) {
                        self.tell(new RunAgent.AgentWaiting(attempt, false));
                    }
                    if (message instanceof AgentMessage.Closed) {
                        pipes.outputRead().run();
                    }
                },
                AcpConnection.DEFAULT_MAX_LINE_BYTES);
    }

    static AgentLink open(
            int attempt, AgentPipes pipes, Executor blocking, ActorRef<ProcessMessage> self, RunSpec spec) {
        AgentLink link = new AgentLink(attempt, pipes, blocking, self, cwd(spec));
        link.spec = spec;
        link.connection.start();
        return link;
    }

    /** The agent's working directory: the run's cwd, else the daemon's (ACP wants an absolute path). */
    static Path cwd(RunSpec spec) {
        return (spec.cwd() == null ? Path.of("") : Path.of(spec.cwd()))
                .toAbsolutePath()
                .normalize();
    }

    /**
     * Everything queued, in order, but the updates of a session/load's replay: the conversation has them
     * already. The next message queued tells the actor again.
     */
    List<AgentMessage> drain() {
        told.set(false);
        hold.released();
        List<AgentMessage> messages = new ArrayList<>();
        for (AgentMessage m = inbox.poll(); m != null; m = inbox.poll()) {
            int lines = lines(m);
            room.release(lines);
            hold.took(m);
            long number = taken;
            taken += lines;
            if (m instanceof AgentMessage.Update && number < replayEnd) {
                replayed += lines;
            } else {
                messages.add(m);
            }
        }
        return messages;
    }

    /** The agent's lines queued and not yet taken by the actor. */
    long waiting() {
        return received.get() - taken;
    }

    /** A session/load is sent: the updates from now on are its replay. */
    void replayStarts() {
        replayEnd = Long.MAX_VALUE;
    }

    /**
     * The session/load is answered: the replay is over. Called as the answer is completed, on the reader thread
     * (or, when the answer came before the callback was registered, just after), so what the agent sends next
     * is not counted as replay.
     */
    void replayEnded() {
        replayEnd = received.get();
    }

    /** The run's workspace files; blocking (it resolves the roots' real paths): call off the actor. */
    synchronized WorkspaceFiles files() throws IOException {
        if (files == null) {
            files = new WorkspaceFiles(
                    cwd, spec == null ? List.of() : AgentWorkspace.extraDirectories(spec), MAX_FILE_BYTES);
        }
        return files;
    }

    /** How many of the agent's lines a message holds: the chunks it joins, else one. */
    private static int lines(AgentMessage message) {
        return message instanceof AgentMessage.Update u ? u.lines() : 1;
    }

    /** On the reader thread: waits while the actor is {@link #MAX_WAITING} lines behind, unless closed. */
    private void waitForRoom(int lines) {
        try {
            while (!closed && !room.tryAcquire(lines, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // the actor drains in batches; a closed link's messages are dropped by the actor anyway
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the attempt's channel is closed: its process ended, or the run rolled back. */
    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        connection.close();
    }
}
