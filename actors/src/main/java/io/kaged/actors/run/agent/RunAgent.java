package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.Acp;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.AgentMessage;
import io.kaged.actors.acp.AgentRequest;
import io.kaged.actors.acp.ClientResponse;
import io.kaged.actors.acp.FileResult;
import io.kaged.actors.acp.OptionChoice;
import io.kaged.actors.acp.PermissionOption;
import io.kaged.actors.acp.PermissionPolicy;
import io.kaged.actors.acp.PermissionQuestion;
import io.kaged.actors.acp.Permissions;
import io.kaged.actors.acp.PolicyDecision;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.acp.RpcError;
import io.kaged.actors.acp.ToolKind;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.store.Ids;
import io.kaged.persistence.store.StoreExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The ACP side of a run actor: kaged as the client of the agent the run started. When an attempt of an ACP run
 * starts, it opens the channel ({@link AgentLink}), sends {@code initialize} and {@code session/new}, then the
 * queued prompts one turn at a time. What the agent sends becomes run events in its order: updates in batches,
 * permission requests as approvals (decided by the run's standing answers, then the project's policy, else
 * by the operator), fs/* requests served inside the workspace, faults recorded. Every decision is journaled
 * before the agent hears it. {@code RunBehavior} registers {@link #handlers} and tells it of an attempt's start
 * and end; the persistent part is {@link AgentState}, in the run's state.
 */
public final class RunAgent {

    /** The agent's messages are waiting in the link of {@code attempt}. */
    record AgentWaiting(int attempt) implements ProcessMessage {}

    /** initialize and session/new answered, and the project's policy read. */
    record SessionOpened(int attempt, String sessionId, Acp.InitializeResponse init, PermissionPolicy.Parsed policy)
            implements ProcessMessage {}

    record SetupFailed(int attempt, String step, String reason) implements ProcessMessage {}

    /** A session/prompt answered: its stop reason, or the error that ended it. */
    record TurnDone(int attempt, String stopReason, String error) implements ProcessMessage {}

    record FileServed(int attempt, RequestId id, String method, String path, FileResult result)
            implements ProcessMessage {}

    private static final int MAX_EXCERPT = 500;
    private static final ObjectMapper MAPPER = AcpJson.mapper();

    private final String runId;
    private final ActorContext<ProcessMessage> context;
    private final Executor blocking;
    private final Clock clock;
    private final SupervisedProcess process;
    private final Supplier<EffectFactories<Event, RunState>> effects;
    private final String version;

    private AgentLink link;

    public RunAgent(
            String runId,
            ActorContext<ProcessMessage> context,
            Executor blocking,
            Clock clock,
            SupervisedProcess process,
            Supplier<EffectFactories<Event, RunState>> effects) {
        this.runId = runId;
        this.context = context;
        this.blocking = blocking;
        this.clock = clock;
        this.process = process;
        this.effects = effects;
        String v = RunAgent.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    private EffectFactories<Event, RunState> effect() {
        return effects.get();
    }

    private long now() {
        return clock.millis();
    }

    /** Adds the handlers of an ACP run's commands and of the channel's reports to {@code b}. */
    public <X extends Existing> CommandHandlerWithReplyBuilderByState<ProcessMessage, Event, X, RunState> handlers(
            CommandHandlerWithReplyBuilderByState<ProcessMessage, Event, X, RunState> b) {
        return b.onCommand(RunActor.Prompt.class, (s, c) -> prompt(s, c))
                .onCommand(RunActor.CancelTurn.class, (s, c) -> cancelTurn(s, c))
                .onCommand(RunActor.DecideApproval.class, (s, c) -> decide(s, c))
                .onCommand(AgentWaiting.class, (s, c) -> agentWaiting(s, c))
                .onCommand(SessionOpened.class, (s, c) -> sessionOpened(s, c))
                .onCommand(SetupFailed.class, (s, c) -> setupFailed(s, c))
                .onCommand(TurnDone.class, (s, c) -> turnDone(s, c))
                .onCommand(FileServed.class, (s, c) -> fileServed(s, c));
    }

    // ---- the attempt's channel --------------------------------------------------------------------

    /** An attempt's start is recorded: for an ACP run, open the channel and set up the agent's session. */
    public void attemptStarted(RunState state, RunningProcess started) {
        if (!(started instanceof AgentPipes pipes) || !(state instanceof Existing s)) {
            return;
        }
        closeLink();
        RunSpec spec = s.run().spec();
        int attempt = s.run().attempts();
        AgentLink opened = AgentLink.open(attempt, pipes, blocking, context.getSelf(), spec);
        link = opened;
        CompletableFuture<PermissionPolicy.Parsed> policy = policy(spec.project());
        CompletableFuture<ProcessMessage> setup = opened.connection
                .initialize(Acp.InitializeRequest.kaged(version))
                .handle((init, failure) -> {
                    if (failure != null) {
                        return CompletableFuture.<ProcessMessage>completedFuture(
                                new SetupFailed(attempt, Acp.INITIALIZE, SupervisedProcess.rootMessage(failure)));
                    }
                    return opened.connection
                            .newSession(Acp.NewSessionRequest.in(opened.cwd.toString()))
                            .thenCombine(policy, (created, parsed) ->
                                    (ProcessMessage) new SessionOpened(attempt, created.sessionId(), init, parsed))
                            .exceptionally(
                                    f -> new SetupFailed(attempt, Acp.SESSION_NEW, SupervisedProcess.rootMessage(f)));
                })
                .thenCompose(f -> f);
        context.pipeToSelf(
                setup,
                (message, failure) -> failure == null
                        ? message
                        : new SetupFailed(attempt, Acp.INITIALIZE, SupervisedProcess.rootMessage(failure)));
    }

    /** The attempt's process has ended: its channel goes with it. */
    public void attemptEnded() {
        closeLink();
    }

    private void closeLink() {
        if (link != null) {
            link.close();
            link = null;
        }
    }

    private CompletableFuture<PermissionPolicy.Parsed> policy(String project) {
        if (project == null) {
            return CompletableFuture.completedFuture(new PermissionPolicy.Valid(PermissionPolicy.EMPTY));
        }
        ProjectStore projects =
                new ProjectStore(StoreExtension.store(context.getSystem().classicSystem()), clock);
        return projects.get(project)
                .thenApply(found -> found.map(p -> {
                            try {
                                return PermissionPolicy.fromConfig(MAPPER.readTree(p.config()));
                            } catch (java.io.IOException e) {
                                return (PermissionPolicy.Parsed)
                                        new PermissionPolicy.Invalid(List.of("the project's config is not JSON"));
                            }
                        })
                        .orElse(new PermissionPolicy.Valid(PermissionPolicy.EMPTY)))
                .exceptionally(f -> new PermissionPolicy.Invalid(
                        List.of("the project's config could not be read: " + SupervisedProcess.rootMessage(f))));
    }

    private boolean current(int attempt) {
        return link != null && link.attempt == attempt;
    }

    // ---- setup --------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> sessionOpened(Existing s, SessionOpened c) {
        if (!current(c.attempt()) || s instanceof RunState.Finished) {
            return effect().noReply();
        }
        link.sessionId = c.sessionId();
        Batch batch = drain(s);
        Acp.InitializeResponse init = c.init();
        batch.events.add(new RunActor.AgentConnected(
                c.attempt(),
                c.sessionId(),
                "new",
                init.agentInfo() == null ? null : MAPPER.valueToTree(init.agentInfo()),
                init.authMethods() == null ? null : MAPPER.valueToTree(init.authMethods()),
                init.canLoadSession(),
                now()));
        if (c.policy() instanceof PermissionPolicy.Valid valid) {
            link.policy = valid.policy();
        } else if (c.policy() instanceof PermissionPolicy.Invalid invalid) {
            link.policy = PermissionPolicy.EMPTY;
            batch.events.add(new RunActor.AgentFault(
                    "policy",
                    "the project's acp.permissions cannot be used, so the operator decides every request: "
                            + invalid.message(),
                    "",
                    now()));
        }
        AgentState agent = s.run().agent();
        if (s instanceof RunState.Running && agent != null && !agent.queued().isEmpty()) {
            sendPrompt(batch, agent.queued().get(0), true);
        }
        return batch.persist();
    }

    private ReplyEffect<Event, RunState> setupFailed(Existing s, SetupFailed c) {
        if (!current(c.attempt())) {
            return effect().noReply();
        }
        context.getLog().info("ACP run {}: {} failed: {}", runId, c.step(), c.reason());
        return effect().persist(new RunActor.AgentSetupFailed(c.attempt(), c.step(), c.reason(), now()))
                .thenRun(st -> process.terminate(Signal.TERM))
                .thenNoReply();
    }

    // ---- prompts and turns ----------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> prompt(Existing s, RunActor.Prompt c) {
        AgentState agent = s.run().agent();
        String refusal = notLive(s, agent);
        if (refusal != null) {
            return refuse(c.replyTo(), refusal);
        }
        int attempt = s.run().attempts();
        if (agent.turnRunning(attempt) && !c.queue()) {
            return refuse(
                    c.replyTo(),
                    "a turn is running; wait for it to end, cancel it (POST /v1/runs/" + runId
                            + "/cancel-turn), or send the prompt with \"queue\": true");
        }
        boolean ready = s instanceof RunState.Running
                && current(attempt)
                && link.sessionId != null
                && !agent.turnRunning(attempt)
                && agent.queued().isEmpty();
        if (!ready) {
            return effect().persist(new RunActor.PromptQueued(c.text(), now()))
                    .thenReply(c.replyTo(), st -> StatusReply.success("queued"));
        }
        Batch batch = new Batch();
        sendPrompt(batch, c.text(), false);
        return batch.persistThenReply(c.replyTo(), "sent");
    }

    /** Why an ACP command cannot reach this run's agent; null when it can. */
    private String notLive(Existing s, AgentState agent) {
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

    private void sendPrompt(Batch batch, String text, boolean fromQueue) {
        int attempt = link.attempt;
        String sessionId = link.sessionId;
        AgentLink sentOn = link;
        batch.events.add(new RunActor.PromptSent(text, fromQueue, attempt, now()));
        batch.after.add(() -> context.pipeToSelf(
                sentOn.connection.prompt(Acp.PromptRequest.text(sessionId, text)),
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
        Batch batch = drain(s);
        batch.events.add(new RunActor.TurnEnded(c.stopReason(), c.error(), now()));
        AgentState agent = s.run().agent();
        if (s instanceof RunState.Running && agent != null && !agent.queued().isEmpty()) {
            sendPrompt(batch, agent.queued().get(0), true);
        }
        return batch.persist();
    }

    private ReplyEffect<Event, RunState> cancelTurn(Existing s, RunActor.CancelTurn c) {
        AgentState agent = s.run().agent();
        String refusal = notLive(s, agent);
        if (refusal != null) {
            return refuse(c.replyTo(), refusal);
        }
        int attempt = s.run().attempts();
        if (!agent.turnRunning(attempt) || !current(attempt)) {
            return refuse(c.replyTo(), "run " + runId + " has no turn running");
        }
        Batch batch = drain(s);
        batch.events.add(new RunActor.TurnCancelRequested(now()));
        var live = link.connection.pendingPermissions();
        for (AgentState.PendingApproval p : agent.pending().values()) {
            if (p.attempt() == attempt && live.containsKey(RequestId.of(p.requestId()))) {
                batch.events.add(new RunActor.ApprovalDecided(
                        p.approvalId(), "cancelled", null, null, "cancel-turn", false, now()));
            }
        }
        AgentLink on = link;
        String sessionId = link.sessionId;
        // ACP: the client answers every pending permission request of the session "cancelled" itself.
        batch.after.add(() -> on.connection.cancel(sessionId));
        return batch.persistThenReply(c.replyTo(), "cancelling");
    }

    // ---- approvals --------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> decide(Existing s, RunActor.DecideApproval c) {
        AgentState agent = s.run().agent();
        if (agent == null) {
            return refuse(c.replyTo(), "run " + runId + " is not an ACP run");
        }
        AgentState.PendingApproval p = agent.pending().get(c.approvalId());
        if (p == null) {
            return refuse(c.replyTo(), "approval " + c.approvalId() + " is not pending; it was decided already");
        }
        Optional<PermissionOption> option = options(p.options()).stream()
                .filter(o -> c.optionId().equals(o.optionId()))
                .findFirst();
        if (option.isEmpty()) {
            return refuse(
                    c.replyTo(),
                    "approval " + c.approvalId() + " offers no option '" + c.optionId() + "'; it offers "
                            + String.join(
                                    ", ",
                                    options(p.options()).stream()
                                            .map(PermissionOption::optionId)
                                            .toList()));
        }
        RequestId requestId = RequestId.of(p.requestId());
        boolean heard =
                current(p.attempt()) && link.connection.pendingPermissions().containsKey(requestId);
        AgentLink on = link;
        return effect().persist(new RunActor.ApprovalDecided(
                        p.approvalId(),
                        "selected",
                        c.optionId(),
                        kindName(option.get()),
                        "operator " + c.by(),
                        !heard,
                        now()))
                .thenRun(st -> {
                    if (heard) {
                        on.connection.respond(requestId, ClientResponse.RequestPermission.selected(c.optionId()));
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(heard ? "answered" : "recorded"));
    }

    private void permission(Existing s, RequestId id, AgentRequest.RequestPermission request, Batch batch) {
        AgentState agent = s.run().agent();
        int attempt = link.attempt;
        ObjectNode toolCall = request.toolCall() == null
                ? MAPPER.createObjectNode()
                : ((ObjectNode) MAPPER.valueToTree(request.toolCall())).without("sessionUpdate");
        String toolCallId = toolCall.path("toolCallId").asText("");
        List<PermissionOption> offered = request.options() == null ? List.of() : request.options();
        AgentState.Unheard unheard = agent == null ? null : agent.unheard().get(toolCallId);
        if (unheard != null && offered.stream().anyMatch(o -> unheard.optionId().equals(o.optionId()))) {
            batch.events.add(new RunActor.ApprovalDelivered(unheard.approvalId(), now()));
            AgentLink heard = link;
            batch.after.add(
                    () -> heard.connection.respond(id, ClientResponse.RequestPermission.selected(unheard.optionId())));
            return;
        }
        if (agent != null) {
            for (AgentState.PendingApproval p : agent.pending().values()) {
                if (p.attempt() != attempt && !toolCallId.isEmpty() && toolCallId.equals(p.toolCallId())) {
                    batch.events.add(new RunActor.ApprovalReasked(p.approvalId(), id.value(), attempt, now()));
                    return;
                }
            }
        }
        PermissionQuestion question = request.toolCall() == null
                ? new PermissionQuestion(ToolKind.OTHER, List.of(), false, null)
                : PermissionQuestion.of(request.toolCall(), List.of(link.cwd));
        List<Permissions> sources = new ArrayList<>();
        if (agent != null) {
            sources.add(agent.standing());
        }
        sources.add(link.policy);
        PolicyDecision decision = Permissions.decide(question, sources);
        String approvalId = Ids.newId();
        List<JsonNode> options =
                offered.stream().map(o -> (JsonNode) MAPPER.valueToTree(o)).toList();
        batch.events.add(new RunActor.ApprovalRequested(approvalId, id.value(), attempt, toolCall, options, now()));
        Optional<PermissionOption> chosen = OptionChoice.forDecision(decision.decision(), offered);
        if (chosen.isPresent()) {
            PermissionOption o = chosen.get();
            batch.events.add(new RunActor.ApprovalDecided(
                    approvalId, "selected", o.optionId(), kindName(o), decision.by(), false, now()));
            AgentLink on = link;
            batch.after.add(() -> on.connection.respond(id, ClientResponse.RequestPermission.selected(o.optionId())));
        }
    }

    private static List<PermissionOption> options(List<JsonNode> options) {
        List<PermissionOption> out = new ArrayList<>();
        for (JsonNode o : options) {
            try {
                out.add(MAPPER.treeToValue(o, PermissionOption.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // an option kaged cannot read cannot be chosen either
            }
        }
        return out;
    }

    private static String kindName(PermissionOption o) {
        return o.kind() == null ? null : MAPPER.valueToTree(o.kind()).asText();
    }

    // ---- the agent's messages -----------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> agentWaiting(Existing s, AgentWaiting c) {
        if (!current(c.attempt())) {
            return effect().noReply();
        }
        return drain(s).persist();
    }

    /** What one actor message makes of the agent's messages: events in their order, then what to send. */
    private final class Batch {
        final List<Event> events = new ArrayList<>();
        final List<Runnable> after = new ArrayList<>();
        private final List<JsonNode> updates = new ArrayList<>();

        void update(JsonNode update) {
            updates.add(update);
        }

        /** Updates so far become one event, so what follows is journaled after them. */
        void cut() {
            if (!updates.isEmpty()) {
                events.add(new RunActor.AgentUpdates(List.copyOf(updates), now()));
                updates.clear();
            }
        }

        ReplyEffect<Event, RunState> persist() {
            cut();
            if (events.isEmpty()) {
                after.forEach(Runnable::run);
                return effect().noReply();
            }
            return effect().persist(events)
                    .thenRun(st -> after.forEach(Runnable::run))
                    .thenNoReply();
        }

        ReplyEffect<Event, RunState> persistThenReply(
                org.apache.pekko.actor.typed.ActorRef<StatusReply<String>> replyTo, String answer) {
            cut();
            return effect().persist(events)
                    .thenRun(st -> after.forEach(Runnable::run))
                    .thenReply(replyTo, st -> StatusReply.success(answer));
        }
    }

    private Batch drain(Existing s) {
        Batch batch = new Batch();
        if (link == null) {
            return batch;
        }
        for (AgentMessage message : link.drain()) {
            if (message instanceof AgentMessage.Update u) {
                batch.update(MAPPER.valueToTree(u.update()));
            } else if (message instanceof AgentMessage.Request r) {
                batch.cut();
                request(s, r, batch);
            } else if (message instanceof AgentMessage.RequestWithdrawn w) {
                batch.cut();
                withdrawn(s, w.id(), batch);
            } else if (message instanceof AgentMessage.Fault f) {
                batch.cut();
                batch.events.add(new RunActor.AgentFault(
                        f.kind().name().toLowerCase(java.util.Locale.ROOT), f.detail(), excerpt(f.excerpt()), now()));
            }
        }
        return batch;
    }

    private void request(Existing s, AgentMessage.Request r, Batch batch) {
        AgentLink on = link;
        if (r.request() instanceof AgentRequest.RequestPermission permission) {
            permission(s, r.id(), permission, batch);
        } else if (r.request() instanceof AgentRequest.ReadTextFile read) {
            serveFile(
                    r.id(),
                    Acp.FS_READ_TEXT_FILE,
                    read.path(),
                    files -> files.read(read.path(), read.line(), read.limit()));
        } else if (r.request() instanceof AgentRequest.WriteTextFile write) {
            serveFile(
                    r.id(), Acp.FS_WRITE_TEXT_FILE, write.path(), files -> files.write(write.path(), write.content()));
        } else {
            batch.events.add(new RunActor.AgentFault(
                    "unserved",
                    "kaged does not run terminals for agents yet; the request was answered with an error",
                    "",
                    now()));
            batch.after.add(() -> on.connection.respondError(
                    r.id(), RpcError.of(RpcError.INTERNAL_ERROR, "kaged does not run terminals for agents yet")));
        }
    }

    private void withdrawn(Existing s, RequestId id, Batch batch) {
        AgentState agent = s.run().agent();
        if (agent != null) {
            for (AgentState.PendingApproval p : agent.pending().values()) {
                if (p.attempt() == link.attempt && id.equals(RequestId.of(p.requestId()))) {
                    batch.events.add(new RunActor.ApprovalDecided(
                            p.approvalId(), "cancelled", null, null, "agent", false, now()));
                }
            }
        }
        AgentLink on = link;
        batch.after.add(() -> on.connection.respondError(id, RpcError.of(RpcError.REQUEST_CANCELLED, "withdrawn")));
    }

    // ---- files ----------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface FileOp {
        FileResult apply(io.kaged.actors.acp.WorkspaceFiles files) throws java.io.IOException;
    }

    private void serveFile(RequestId id, String method, String path, FileOp op) {
        AgentLink on = link;
        int attempt = on.attempt;
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return op.apply(on.files());
                            } catch (java.io.IOException e) {
                                return new FileResult.Refused(path, FileResult.Refusal.IO_ERROR, e.getMessage());
                            }
                        },
                        blocking),
                (result, failure) -> new FileServed(
                        attempt,
                        id,
                        method,
                        path,
                        failure == null
                                ? result
                                : new FileResult.Refused(
                                        path, FileResult.Refusal.IO_ERROR, SupervisedProcess.rootMessage(failure))));
    }

    private ReplyEffect<Event, RunState> fileServed(Existing s, FileServed c) {
        if (!current(c.attempt())) {
            return effect().noReply();
        }
        AgentLink on = link;
        FileResult result = c.result();
        if (result instanceof FileResult.Read read) {
            on.connection.respond(c.id(), new ClientResponse.ReadTextFile(read.content()));
            return effect().noReply();
        }
        if (result instanceof FileResult.Written written) {
            return effect().persist(new RunActor.FileWritten(
                            written.path().toString(), written.size(), written.sha256(), now()))
                    .thenRun(st -> on.connection.respond(c.id(), new ClientResponse.WriteTextFile()))
                    .thenNoReply();
        }
        FileResult.Refused refused = (FileResult.Refused) result;
        return effect().persist(new RunActor.FileRefused(
                        c.method(),
                        String.valueOf(c.path()),
                        refused.refusal().name().toLowerCase(java.util.Locale.ROOT),
                        refused.refusal().sandbox(),
                        refused.message(),
                        now()))
                .thenRun(st ->
                        on.connection.respondError(c.id(), RpcError.of(RpcError.RESOURCE_NOT_FOUND, refused.message())))
                .thenNoReply();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> refuse(
            org.apache.pekko.actor.typed.ActorRef<StatusReply<String>> replyTo, String reason) {
        return effect().reply(replyTo, StatusReply.error(reason));
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_EXCERPT ? text : text.substring(0, MAX_EXCERPT) + "…";
    }
}
