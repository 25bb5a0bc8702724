package io.kaged.actors.run.agent;

import io.kaged.actors.acp.Acp;
import io.kaged.actors.acp.AgentRequest;
import io.kaged.actors.acp.ClientResponse;
import io.kaged.actors.acp.FileResult;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.acp.RpcError;
import io.kaged.actors.acp.TerminalTail;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SandboxSpec;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.persistence.store.Ids;
import io.kaged.persistence.store.StoreExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The agent's {@code terminal/*} requests. Each terminal is a child run of the agent's run ({@link TerminalRuns}):
 * in the run tree, its output and exit recorded like any run's, cancellable through the run API, and cancelled
 * with the agent's run by the cascade. Its id is the child run's id. The child runs in the agent's sandbox, with
 * the agent's workspace writable, and its cwd must lie inside the workspace: a cwd outside is refused, journaled
 * as a {@link RunActor.FileRefused} of {@code terminal/create} and audited as a sandbox event, like fs/*. The
 * other requests need no journal event of the agent's run, so they are answered as their futures complete.
 * When the agent's process ends its terminals that still run are cancelled: nobody could read them any more.
 */
final class AgentTerminals {

    /** A terminal/create whose cwd the workspace refused: journaled before the agent hears it. */
    record CwdRefused(int attempt, RequestId id, String cwd, FileResult.Refused refused) implements ProcessMessage {}

    /** What the agent may ask of terminal/output when it gives no outputByteLimit: as much as an fs/* read. */
    static final long MAX_OUTPUT_BYTES = 16L * 1024 * 1024;

    /** A terminal the agent has not released: the attempt whose agent created it, and its output bound. */
    private record Terminal(int attempt, long outputByteLimit) {}

    private final String runId;
    private final ActorRef<ProcessMessage> self;
    private final Executor blocking;
    private final TerminalRuns runs;
    private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();

    AgentTerminals(String runId, ActorRef<ProcessMessage> self, Executor blocking, TerminalRuns runs) {
        this.runId = runId;
        this.self = self;
        this.blocking = blocking;
        this.runs = runs;
    }

    static AgentTerminals of(
            String runId,
            ActorContext<ProcessMessage> context,
            Executor blocking,
            ActorRef<RunSupervisor.Command> supervisor) {
        return new AgentTerminals(
                runId,
                context.getSelf(),
                blocking,
                new TerminalRuns(
                        supervisor,
                        context.getSystem().scheduler(),
                        new RunQueries(StoreExtension.store(context.getSystem().classicSystem()))));
    }

    /** Serves one of the agent's terminal/* requests; false when {@code request} is none of them. */
    boolean serve(AgentLink on, RequestId id, AgentRequest request, RunSpec spec) {
        if (request instanceof AgentRequest.CreateTerminal c) {
            create(on, id, c, spec);
        } else if (request instanceof AgentRequest.TerminalOutput t) {
            known(on, id, t.terminalId(), terminal -> output(on, id, t.terminalId(), terminal));
        } else if (request instanceof AgentRequest.WaitForTerminalExit t) {
            known(on, id, t.terminalId(), terminal -> waitForExit(on, id, t.terminalId()));
        } else if (request instanceof AgentRequest.KillTerminal t) {
            known(
                    on,
                    id,
                    t.terminalId(),
                    terminal -> answer(
                            on, id, runs.cancel(t.terminalId()).thenApply(done -> new ClientResponse.KillTerminal())));
        } else if (request instanceof AgentRequest.ReleaseTerminal t) {
            known(on, id, t.terminalId(), terminal -> {
                terminals.remove(t.terminalId());
                answer(on, id, runs.cancel(t.terminalId()).thenApply(done -> new ClientResponse.ReleaseTerminal()));
            });
        } else {
            return false;
        }
        return true;
    }

    /** The agent's process has ended: the terminals it did not release are cancelled and forgotten. */
    void attemptEnded(int attempt) {
        terminals.entrySet().removeIf(e -> {
            if (e.getValue().attempt() == attempt) {
                runs.cancel(e.getKey());
                return true;
            }
            return false;
        });
    }

    // ---- terminal/create ------------------------------------------------------------------------------

    private void create(AgentLink on, RequestId id, AgentRequest.CreateTerminal c, RunSpec spec) {
        String invalid = invalid(c);
        if (invalid != null) {
            on.connection.respondError(id, RpcError.of(RpcError.INVALID_PARAMS, invalid));
            return;
        }
        int attempt = on.attempt;
        long limit = c.outputByteLimit() == null ? MAX_OUTPUT_BYTES : Math.min(c.outputByteLimit(), MAX_OUTPUT_BYTES);
        CompletableFuture.supplyAsync(() -> where(on, c.cwd()), blocking)
                .thenCompose(where -> {
                    if (where instanceof FileResult.Refused refused) {
                        self.tell(new CwdRefused(attempt, id, c.cwd(), refused));
                        return CompletableFuture.completedFuture(null);
                    }
                    String terminalId = Ids.newId();
                    Path cwd = ((FileResult.Directory) where).path();
                    return runs.dispatch(terminalId, child(spec, c, cwd, on.cwd))
                            .thenApply(summary -> {
                                terminals.put(terminalId, new Terminal(attempt, limit));
                                if (on.closed()) {
                                    // the agent went away while its terminal was starting
                                    attemptEnded(attempt);
                                }
                                return on.connection.respond(id, new ClientResponse.CreateTerminal(terminalId));
                            });
                })
                .exceptionally(failure -> on.connection.respondError(
                        id,
                        RpcError.of(
                                RpcError.INTERNAL_ERROR,
                                "the terminal could not be started: " + SupervisedProcess.rootMessage(failure))));
    }

    private static FileResult where(AgentLink on, String cwd) {
        if (cwd == null) {
            return new FileResult.Directory(on.cwd);
        }
        try {
            return on.files().directory(cwd);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** What the request's params must hold beyond what the codec checks; null when they do. */
    private static String invalid(AgentRequest.CreateTerminal c) {
        if (c.command().isEmpty() || c.command().indexOf('\0') >= 0) {
            return "command must name a program";
        }
        if (c.args() != null && c.args().stream().anyMatch(a -> a == null || a.indexOf('\0') >= 0)) {
            return "args must be strings without NUL";
        }
        if (c.outputByteLimit() != null && c.outputByteLimit() < 0) {
            return "outputByteLimit must not be negative";
        }
        if (c.env() != null) {
            for (AgentRequest.EnvVariable v : c.env()) {
                if (v == null
                        || v.name() == null
                        || v.name().isEmpty()
                        || v.name().indexOf('=') >= 0
                        || v.name().indexOf('\0') >= 0
                        || v.value() == null
                        || v.value().indexOf('\0') >= 0) {
                    return "env must be name/value pairs: a name without '=' or NUL, a value without NUL";
                }
            }
        }
        return null;
    }

    /**
     * The child run: the command and its args as argv, the variables the agent gave (not the agent's own, which
     * may hold its keys), the agent's project and sandbox; the workspace stays writable when the cwd is a folder
     * inside it. No retries, and no workspace snapshots of its own: the agent's run records the workspace.
     */
    private RunSpec child(RunSpec agent, AgentRequest.CreateTerminal c, Path cwd, Path workspace) {
        List<String> argv = new ArrayList<>();
        argv.add(c.command());
        if (c.args() != null) {
            argv.addAll(c.args());
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (c.env() != null) {
            c.env().forEach(v -> env.put(v.name(), v.value()));
        }
        return new RunSpec(
                argv,
                cwd.toString(),
                env,
                null,
                runId,
                null,
                agent.project(),
                null,
                0,
                null,
                null,
                null,
                sandbox(agent.sandbox(), cwd, workspace),
                null);
    }

    static SandboxSpec sandbox(SandboxSpec agent, Path cwd, Path workspace) {
        if (agent == null || cwd.equals(workspace)) {
            return agent;
        }
        List<String> writable = new ArrayList<>(agent.writable());
        writable.add(workspace.toString());
        // the agent's network and its project's denial of it go to the terminal as they are
        return new SandboxSpec(
                agent.network(), writable, agent.readOnly(), agent.required(), null, agent.networkDeniedBy());
    }

    /** From the actor: the refusal journaled ({@code sandbox.refused} in the audit log), then the agent answered. */
    static ReplyEffect<Event, RunState> refused(
            CwdRefused c, AgentLink link, EffectFactories<Event, RunState> effect, LongSupplier now) {
        FileResult.Refused refused = c.refused();
        return effect.persist(new RunActor.FileRefused(
                        Acp.TERMINAL_CREATE,
                        String.valueOf(c.cwd()),
                        refused.refusal().name().toLowerCase(Locale.ROOT),
                        refused.refusal().sandbox(),
                        "cwd " + refused.message(),
                        now.getAsLong()))
                .thenRun(st -> link.connection.respondError(
                        c.id(), RpcError.of(RpcError.RESOURCE_NOT_FOUND, "cwd " + c.cwd() + ": " + refused.message())))
                .thenNoReply();
    }

    // ---- output, wait, kill, release --------------------------------------------------------------------

    private void known(AgentLink on, RequestId id, String terminalId, java.util.function.Consumer<Terminal> then) {
        Terminal terminal = terminals.get(terminalId);
        if (terminal == null) {
            on.connection.respondError(
                    id,
                    RpcError.of(
                            RpcError.RESOURCE_NOT_FOUND,
                            "no terminal " + terminalId + ": it was never created here, or it was released"));
            return;
        }
        then.accept(terminal);
    }

    /** The summary first: once it says the child ended, every byte of its output is in the transcript. */
    private void output(AgentLink on, RequestId id, String terminalId, Terminal terminal) {
        answer(on, id, runs.summary(terminalId).thenCompose(summary -> runs.output(terminalId)
                .thenApply(bytes -> {
                    TerminalTail.Tail tail = TerminalTail.tail(bytes, terminal.outputByteLimit());
                    return new ClientResponse.TerminalOutput(tail.text(), tail.truncated(), TerminalExit.of(summary));
                })));
    }

    private void waitForExit(AgentLink on, RequestId id, String terminalId) {
        answer(on, id, runs.exited(terminalId, on::closed).thenApply(summary -> {
            ClientResponse.ExitStatus exit = summary == null ? null : TerminalExit.of(summary);
            return exit == null
                    ? new ClientResponse.WaitForTerminalExit(null, null)
                    : new ClientResponse.WaitForTerminalExit(exit.exitCode(), exit.signal());
        }));
    }

    private static void answer(
            AgentLink on, RequestId id, java.util.concurrent.CompletionStage<? extends ClientResponse> response) {
        response.whenComplete((answer, failure) -> {
            if (failure != null) {
                on.connection.respondError(
                        id, RpcError.of(RpcError.INTERNAL_ERROR, SupervisedProcess.rootMessage(failure)));
            } else {
                on.connection.respond(id, answer);
            }
        });
    }
}
