package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.acp.Acp;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.PermissionPolicy;
import io.kaged.actors.acp.Permissions;
import io.kaged.actors.acp.PolicyDecision;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.store.StoreExtension;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The start of an attempt's ACP session: the channel opened, {@code initialize} (fs and terminal capabilities),
 * then the session. The first attempt calls {@code session/new}. A later one (a retry, a restart after the
 * daemon died) goes back to the run's ACP session: {@code session/load} if the agent advertised it, whose
 * replayed updates are not journaled again; else {@code session/resume} if advertised; else a new session,
 * with a note that the agent does not remember the conversation. The project's policy is read meanwhile.
 */
final class AgentSetup {

    /**
     * The attempt's session is there: {@code how} new, load or resume; {@code note} says what was lost, if anything;
     * {@code checkpointBeforeTurn} whether the project's config asks for a checkpoint before each turn.
     */
    record SessionOpened(
            int attempt,
            String sessionId,
            Acp.InitializeResponse init,
            String how,
            String note,
            PermissionPolicy.Parsed policy,
            boolean checkpointBeforeTurn)
            implements ProcessMessage {}

    /** What an attempt reads of its project's config: the policy and {@code acp.checkpointBeforeTurn}. */
    private record ProjectAcp(PermissionPolicy.Parsed policy, boolean checkpointBeforeTurn) {}

    /** {@code init} is the agent's answer to initialize when it came before the failure, else null. */
    record SetupFailed(int attempt, String step, String reason, Acp.InitializeResponse init)
            implements ProcessMessage {}

    private record Opened(String sessionId, String how, String note) {}

    private static final ObjectMapper MAPPER = AcpJson.mapper();

    private final ActorContext<ProcessMessage> context;
    private final Executor blocking;
    private final Clock clock;
    private final String version;

    AgentSetup(ActorContext<ProcessMessage> context, Executor blocking, Clock clock) {
        this.context = context;
        this.blocking = blocking;
        this.clock = clock;
        String v = AgentSetup.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    /** Opens the channel of the attempt {@code s} has just recorded, and sets up its session. */
    AgentLink start(Existing s, AgentPipes pipes) {
        RunSpec spec = s.run().spec();
        int attempt = s.run().attempts();
        String previous = s.run().agent() == null ? null : s.run().agent().sessionId();
        AgentLink link = AgentLink.open(attempt, pipes, blocking, context.getSelf(), spec);
        CompletableFuture<ProjectAcp> project =
                project(spec.project(), spec.acp() == null ? null : spec.acp().profile());
        CompletableFuture<ProcessMessage> setup = link.connection
                .initialize(Acp.InitializeRequest.kaged(version))
                .handle((init, failure) -> {
                    if (failure != null) {
                        return CompletableFuture.<ProcessMessage>completedFuture(
                                new SetupFailed(attempt, Acp.INITIALIZE, SupervisedProcess.rootMessage(failure), null));
                    }
                    return session(link, init, previous)
                            .thenCombine(project, (opened, acp) -> (ProcessMessage) new SessionOpened(
                                    attempt,
                                    opened.sessionId(),
                                    init,
                                    opened.how(),
                                    opened.note(),
                                    acp.policy(),
                                    acp.checkpointBeforeTurn()))
                            .exceptionally(f ->
                                    new SetupFailed(attempt, Acp.SESSION_NEW, SupervisedProcess.rootMessage(f), init));
                })
                .thenCompose(Function.identity());
        context.pipeToSelf(
                setup,
                (message, failure) -> failure == null
                        ? message
                        : new SetupFailed(attempt, Acp.INITIALIZE, SupervisedProcess.rootMessage(failure), null));
        return link;
    }

    private CompletableFuture<Opened> session(AgentLink link, Acp.InitializeResponse init, String previous) {
        String cwd = link.cwd.toString();
        if (previous == null) {
            return fresh(link, null);
        }
        if (init.canLoadSession()) {
            link.replayStarts();
            return link.connection
                    .loadSession(Acp.LoadSessionRequest.of(previous, cwd))
                    .handle((ok, failure) -> {
                        link.replayEnded();
                        return failure == null
                                ? CompletableFuture.completedFuture(new Opened(previous, "load", null))
                                : fresh(
                                        link,
                                        "session/load failed (" + SupervisedProcess.rootMessage(failure)
                                                + "), so a new session was started: the agent does not remember"
                                                + " the conversation");
                    })
                    .thenCompose(Function.identity());
        }
        if (init.canResumeSession()) {
            return link.connection
                    .resumeSession(Acp.ResumeSessionRequest.of(previous, cwd))
                    .handle((ok, failure) -> failure == null
                            ? CompletableFuture.completedFuture(new Opened(previous, "resume", null))
                            : fresh(
                                    link,
                                    "session/resume failed (" + SupervisedProcess.rootMessage(failure)
                                            + "), so a new session was started: the agent does not remember the"
                                            + " conversation"))
                    .thenCompose(Function.identity());
        }
        return fresh(
                link,
                "the agent can neither load nor resume a session, so a new one was started: it does not remember"
                        + " the conversation");
    }

    private static CompletableFuture<Opened> fresh(AgentLink link, String note) {
        return link.connection
                .newSession(Acp.NewSessionRequest.in(link.cwd.toString()))
                .thenApply(created -> new Opened(created.sessionId(), "new", note));
    }

    /**
     * The policy as the audit log names its rules: a profile's rules are {@code acp.profiles.NAME.permissions[i]},
     * not the project's {@code acp.permissions[i]}.
     */
    static Permissions named(PermissionPolicy policy, RunSpec spec) {
        String profile = spec.acp() == null ? null : spec.acp().profile();
        if (profile == null) {
            return policy;
        }
        String prefix = "acp.profiles." + profile + ".permissions";
        return question -> policy.decide(question)
                .map(d -> new PolicyDecision(d.decision(), d.rule().replaceFirst("^acp\\.permissions", prefix)));
    }

    /**
     * The project's policy, or the profile's when the profile has {@code permissions}; and whether the project
     * wants a checkpoint before each turn ({@code acp.checkpointBeforeTurn}, ADR-0068).
     */
    private CompletableFuture<ProjectAcp> project(String project, String profile) {
        ProjectAcp none = new ProjectAcp(new PermissionPolicy.Valid(PermissionPolicy.EMPTY), false);
        if (project == null) {
            return CompletableFuture.completedFuture(none);
        }
        ProjectStore projects =
                new ProjectStore(StoreExtension.store(context.getSystem().classicSystem()), clock);
        return projects.get(project)
                .thenApply(found -> found.map(p -> {
                            try {
                                com.fasterxml.jackson.databind.JsonNode config = MAPPER.readTree(p.config());
                                com.fasterxml.jackson.databind.JsonNode own = profile == null
                                        ? null
                                        : config.path("acp")
                                                .path("profiles")
                                                .path(profile)
                                                .get("permissions");
                                return new ProjectAcp(
                                        own != null && !own.isNull()
                                                ? PermissionPolicy.parseRules(own)
                                                : PermissionPolicy.fromConfig(config),
                                        config.path("acp")
                                                .path("checkpointBeforeTurn")
                                                .asBoolean(false));
                            } catch (IOException e) {
                                return new ProjectAcp(
                                        new PermissionPolicy.Invalid(List.of("the project's config is not JSON")),
                                        false);
                            }
                        })
                        .orElse(none))
                .exceptionally(f -> new ProjectAcp(
                        new PermissionPolicy.Invalid(
                                List.of("the project's config could not be read: " + SupervisedProcess.rootMessage(f))),
                        false));
    }
}
