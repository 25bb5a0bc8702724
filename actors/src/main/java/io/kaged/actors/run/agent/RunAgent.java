package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.acp.Acp;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.AgentMessage;
import io.kaged.actors.acp.AgentRequest;
import io.kaged.actors.acp.PermissionPolicy;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.actors.run.RunSupervisor;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The ACP side of a run actor: kaged as the client of the agent the run started (ADR-0064). When an attempt of an
 * ACP run starts, {@link AgentSetup} opens the channel ({@link AgentLink}) and the session; then the queued
 * prompts go out one turn at a time. What the agent sends becomes run events in its order ({@link AgentBatch}):
 * updates in batches, permission requests as approvals ({@link AgentApprovals}), fs/* requests served inside the
 * workspace ({@link AgentFiles}), terminal/* as child runs ({@link AgentTerminals}), faults recorded. When the
 * project asks, each turn's prompt waits for a checkpoint first ({@link TurnCheckpoints}). Every decision is journaled before the agent hears it.
 * {@code RunBehavior} registers {@link #handlers} and tells it of an attempt's start and end; the persistent part
 * is {@link AgentState}, in the run's state.
 */
public final class RunAgent {

    /**
     * The agent's messages are waiting in the link of {@code attempt}; {@code held} when it is the end of a
     * wait for more updates ({@link UpdateHold}), so they go now.
     */
    record AgentWaiting(int attempt, boolean held) implements ProcessMessage {}

    /** A session/prompt answered: its stop reason, or the error that ended it. */
    record TurnDone(int attempt, String stopReason, String error) implements ProcessMessage {}

    private static final int MAX_EXCERPT = 500;
    private static final ObjectMapper MAPPER = AcpJson.mapper();

    private final String runId;
    private final ActorContext<ProcessMessage> context;
    private final Clock clock;
    private final SupervisedProcess process;
    private final Supplier<EffectFactories<Event, RunState>> effects;
    private final AgentSetup setup;
    private final AgentFiles files;
    private final AgentTerminals terminals;
    private final TurnCheckpoints checkpoints;

    private AgentLink link;
    /** The run's dispatch, as the attempt that opened {@link #link} found it. */
    private RunSpec spec;

    public RunAgent(
            String runId,
            ActorContext<ProcessMessage> context,
            Executor blocking,
            Clock clock,
            SupervisedProcess process,
            Supplier<EffectFactories<Event, RunState>> effects,
            ActorRef<RunSupervisor.Command> supervisor) {
        this.runId = runId;
        this.context = context;
        this.clock = clock;
        this.process = process;
        this.effects = effects;
        this.setup = new AgentSetup(context, blocking, clock);
        this.files = new AgentFiles(context, blocking);
        this.terminals = AgentTerminals.of(runId, context, blocking, supervisor);
        this.checkpoints = new TurnCheckpoints(runId, context);
    }

    private EffectFactories<Event, RunState> effect() {
        return effects.get();
    }

    private long now() {
        return clock.millis();
    }

    private AgentBatch batch() {
        return new AgentBatch(effect(), clock::millis);
    }

    /** Adds the handlers of an ACP run's commands and of the channel's reports to {@code b}. */
    public <X extends Existing> CommandHandlerWithReplyBuilderByState<ProcessMessage, Event, X, RunState> handlers(
            CommandHandlerWithReplyBuilderByState<ProcessMessage, Event, X, RunState> b) {
        return b.onCommand(RunActor.Prompt.class, (s, c) -> prompt(s, c))
                .onCommand(RunActor.CancelTurn.class, (s, c) -> cancelTurn(s, c))
                .onCommand(RunActor.DecideApproval.class, (s, c) -> decide(s, c))
                .onCommand(AgentWaiting.class, (s, c) -> current(c.attempt()) ? waiting(s, c) : effect().noReply())
                .onCommand(AgentSetup.SessionOpened.class, (s, c) -> sessionOpened(s, c))
                .onCommand(AgentSetup.SetupFailed.class, (s, c) -> setupFailed(c))
                .onCommand(TurnDone.class, (s, c) -> turnDone(s, c))
                .onCommand(TurnCheckpoints.Taken.class, (s, c) -> checkpointTaken(s, c))
                .onCommand(
                        AgentTerminals.CwdRefused.class,
                        (s, c) -> current(c.attempt())
                                ? AgentTerminals.refused(c, link, effect(), clock::millis)
                                : effect().noReply())
                .onCommand(
                        AgentFiles.FileServed.class,
                        (s, c) -> current(c.attempt())
                                ? AgentFiles.served(c, link, effect(), clock::millis)
                                : effect().noReply());
    }

    // ---- the attempt's channel --------------------------------------------------------------------

    /** An attempt's start is recorded: for an ACP run, open the channel and set up the agent's session. */
    public void attemptStarted(RunState state, RunningProcess started) {
        if (io.kaged.actors.process.SandboxedProcess.unwrap(started) instanceof AgentPipes pipes
                && state instanceof Existing s) {
            attemptEnded();
            spec = s.run().spec();
            link = setup.start(s, pipes);
        }
    }

    /** The attempt's process has ended: its channel goes with it. */
    public void attemptEnded() {
        if (link != null) {
            terminals.attemptEnded(link.attempt);
            link.close();
            link = null;
        }
    }

    private boolean current(int attempt) {
        return link != null && link.attempt == attempt;
    }

    // ---- setup --------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> sessionOpened(Existing s, AgentSetup.SessionOpened c) {
        if (!current(c.attempt()) || s instanceof RunState.Finished) {
            return effect().noReply();
        }
        link.sessionId = c.sessionId();
        checkpoints.sessionOpened(c.attempt(), c.checkpointBeforeTurn());
        AgentBatch batch = drain(s);
        Acp.InitializeResponse init = c.init();
        batch.add(new RunActor.AgentConnected(
                c.attempt(),
                c.sessionId(),
                c.how(),
                init.agentInfo() == null ? null : MAPPER.valueToTree(init.agentInfo()),
                init.authMethods() == null ? null : MAPPER.valueToTree(init.authMethods()),
                init.canLoadSession(),
                c.note(),
                "load".equals(c.how()) ? link.replayed : null,
                now()));
        if (c.policy() instanceof PermissionPolicy.Valid valid) {
            link.policy = AgentSetup.named(valid.policy(), s.run().spec());
        } else if (c.policy() instanceof PermissionPolicy.Invalid invalid) {
            link.policy = PermissionPolicy.EMPTY;
            batch.add(new RunActor.AgentFault(
                    "policy",
                    "the project's policy cannot be used, so the operator decides every request: " + invalid.message(),
                    "",
                    now()));
        }
        AgentState agent = s.run().agent();
        if (s instanceof RunState.Running && agent != null && !agent.queued().isEmpty()) {
            nextTurn(batch, agent);
        }
        return batch.persist();
    }

    private ReplyEffect<Event, RunState> setupFailed(AgentSetup.SetupFailed c) {
        if (!current(c.attempt())) {
            return effect().noReply();
        }
        context.getLog().info("ACP run {}: {} failed: {}", runId, c.step(), c.reason());
        Acp.InitializeResponse init = c.init();
        return effect().persist(new RunActor.AgentSetupFailed(
                        c.attempt(),
                        c.step(),
                        c.reason(),
                        init == null || init.agentInfo() == null ? null : MAPPER.valueToTree(init.agentInfo()),
                        init == null || init.authMethods() == null ? null : MAPPER.valueToTree(init.authMethods()),
                        now()))
                .thenRun(st -> process.terminate(Signal.TERM))
                .thenNoReply();
    }

    // ---- prompts and turns ----------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> prompt(Existing s, RunActor.Prompt c) {
        AgentState agent = s.run().agent();
        String refusal = AgentLiveness.notLive(runId, s, agent);
        if (refusal != null) {
            return refuse(c.replyTo(), refusal);
        }
        int attempt = s.run().attempts();
        boolean busy = agent.turnRunning(attempt) || checkpoints.underWay(attempt);
        if (busy && !c.queue()) {
            return refuse(
                    c.replyTo(),
                    "a turn is running; wait for it to end, cancel it (POST /v1/runs/" + runId
                            + "/cancel-turn), or send the prompt with \"queue\": true");
        }
        boolean ready = s instanceof RunState.Running
                && current(attempt)
                && link.sessionId != null
                && !busy
                && agent.queued().isEmpty();
        if (!ready) {
            return effect().persist(new RunActor.PromptQueued(c.text(), now()))
                    .thenReply(c.replyTo(), st -> StatusReply.success("queued"));
        }
        AgentBatch batch = batch();
        if (checkpoints.wanted(attempt)) {
            // the prompt waits in the queue, so the checkpoint holds it and a crash meanwhile does not lose it
            batch.add(new RunActor.PromptQueued(c.text(), now()));
            nextTurn(batch, agent);
        } else {
            sendPrompt(batch, c.text(), false);
        }
        return batch.persistThenReply(c.replyTo(), "sent");
    }

    /** The oldest queued prompt goes out; first the checkpoint before its turn, when the project wants one. */
    private void nextTurn(AgentBatch batch, AgentState agent) {
        if (!checkpoints.before(batch, agent, link.attempt)) {
            sendPrompt(batch, agent.queued().get(0), true);
        }
    }

    /** The checkpoint before the turn is in: the turn's prompt goes out, unless the run has moved on meanwhile. */
    private ReplyEffect<Event, RunState> checkpointTaken(Existing s, TurnCheckpoints.Taken c) {
        if (!current(c.attempt()) || !checkpoints.turnMayStart(s, c, link.sessionId != null)) {
            return effect().noReply();
        }
        AgentBatch batch = drain(s);
        sendPrompt(batch, s.run().agent().queued().get(0), true);
        return batch.persist();
    }

    private void sendPrompt(AgentBatch batch, String text, boolean fromQueue) {
        AgentLink on = link;
        int attempt = on.attempt;
        String sessionId = on.sessionId;
        batch.add(new RunActor.PromptSent(text, fromQueue, attempt, now()));
        batch.after.add(() -> context.pipeToSelf(
                on.connection.prompt(Acp.PromptRequest.text(sessionId, text)),
                (answer, failure) -> failure != null
                        ? new TurnDone(attempt, null, SupervisedProcess.rootMessage(failure))
                        : new TurnDone(
                                attempt,
                                answer.stopReason() == null
                                        ? "end_turn"
                                        : MAPPER.valueToTree(answer.stopReason())
                                                .asText(),
                                null)));
    }

    private ReplyEffect<Event, RunState> turnDone(Existing s, TurnDone c) {
        if (!current(c.attempt())) {
            return effect().noReply();
        }
        AgentBatch batch = drain(s);
        batch.add(new RunActor.TurnEnded(c.stopReason(), c.error(), now()));
        AgentState agent = s.run().agent();
        if (s instanceof RunState.Running && agent != null && !agent.queued().isEmpty()) {
            nextTurn(batch, agent);
        }
        return batch.persist();
    }

    private ReplyEffect<Event, RunState> cancelTurn(Existing s, RunActor.CancelTurn c) {
        AgentState agent = s.run().agent();
        String refusal = AgentLiveness.notLive(runId, s, agent);
        if (refusal != null) {
            return refuse(c.replyTo(), refusal);
        }
        int attempt = s.run().attempts();
        if (!agent.turnRunning(attempt) || !current(attempt)) {
            return refuse(c.replyTo(), "run " + runId + " has no turn running");
        }
        AgentBatch batch = drain(s);
        batch.add(new RunActor.TurnCancelRequested(now()));
        AgentApprovals.turnCancelled(agent, link, batch);
        AgentLink on = link;
        String sessionId = on.sessionId;
        // ACP: the client answers every pending permission request of the session "cancelled" itself.
        batch.after.add(() -> on.connection.cancel(sessionId));
        return batch.persistThenReply(c.replyTo(), "cancelling");
    }

    // ---- approvals ------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> decide(Existing s, RunActor.DecideApproval c) {
        AgentState agent = s.run().agent();
        if (agent == null) {
            return refuse(c.replyTo(), "run " + runId + " is not an ACP run");
        }
        AgentState.PendingApproval p = agent.pending().get(c.approvalId());
        String refusal = AgentApprovals.refusal(p, c.approvalId(), c.optionId());
        if (refusal != null) {
            return refuse(c.replyTo(), refusal);
        }
        boolean heard = AgentApprovals.heard(p, link);
        AgentLink on = link;
        return effect().persist(AgentApprovals.decided(p, c.optionId(), c.by(), heard, now()))
                .thenRun(st -> {
                    if (heard) {
                        on.connection.respond(
                                io.kaged.actors.acp.RequestId.of(p.requestId()),
                                io.kaged.actors.acp.ClientResponse.RequestPermission.selected(c.optionId()));
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(heard ? "answered" : "recorded"));
    }

    // ---- the agent's messages -----------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> waiting(Existing s, AgentWaiting c) {
        if (!c.held() && link.hold.hold(link.waiting())) {
            context.scheduleOnce(UpdateHold.HOLD, context.getSelf(), new AgentWaiting(c.attempt(), true));
            return effect().noReply();
        }
        return drain(s).persist();
    }

    private AgentBatch drain(Existing s) {
        AgentBatch batch = batch();
        if (link == null) {
            return batch;
        }
        AgentState agent = s.run().agent() == null
                ? AgentState.initial(s.run().spec())
                : s.run().agent();
        AgentLink on = link;
        for (AgentMessage message : on.drain()) {
            if (message instanceof AgentMessage.Update u) {
                batch.update(u);
            } else if (message instanceof AgentMessage.Request r) {
                batch.cut();
                request(agent, on, r, batch);
            } else if (message instanceof AgentMessage.RequestWithdrawn w) {
                batch.cut();
                AgentApprovals.withdrawn(agent, on, w.id(), batch);
            } else if (message instanceof AgentMessage.Fault f) {
                batch.add(new RunActor.AgentFault(
                        f.kind().name().toLowerCase(Locale.ROOT), f.detail(), excerpt(f.excerpt()), now()));
            }
        }
        return batch;
    }

    private void request(AgentState agent, AgentLink on, AgentMessage.Request r, AgentBatch batch) {
        if (r.request() instanceof AgentRequest.RequestPermission permission) {
            AgentApprovals.requested(agent, on, r.id(), permission, batch);
        } else if (r.request() instanceof AgentRequest.ReadTextFile read) {
            files.serve(
                    on,
                    r.id(),
                    Acp.FS_READ_TEXT_FILE,
                    read.path(),
                    f -> f.read(read.path(), read.line(), read.limit()));
        } else if (r.request() instanceof AgentRequest.WriteTextFile write) {
            files.serve(on, r.id(), Acp.FS_WRITE_TEXT_FILE, write.path(), f -> f.write(write.path(), write.content()));
        } else {
            RunSpec spec = this.spec;
            // after the events so far are journaled: a refused cwd is journaled in its place
            batch.after.add(() -> terminals.serve(on, r.id(), r.request(), spec));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> refuse(ActorRef<StatusReply<String>> replyTo, String reason) {
        return effect().reply(replyTo, StatusReply.error(reason));
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_EXCERPT ? text : text.substring(0, MAX_EXCERPT) + "…";
    }
}
