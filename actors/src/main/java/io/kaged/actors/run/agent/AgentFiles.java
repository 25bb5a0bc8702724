package io.kaged.actors.run.agent;

import io.kaged.actors.acp.ClientResponse;
import io.kaged.actors.acp.FileResult;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.acp.RpcError;
import io.kaged.actors.acp.WorkspaceFiles;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunState;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The agent's fs/* requests, served inside the run's workspace by {@link WorkspaceFiles} off the actor's thread.
 * A write is journaled ({@link RunActor.FileWritten}: path, size, hash) before the agent is answered; a refusal
 * too ({@link RunActor.FileRefused}; a path that leaves the workspace is also a {@code sandbox.refused} audit
 * row). A read is answered without an event: the content is the agent's business, not the run's history.
 */
final class AgentFiles {

    /** An fs/* request served: what {@link WorkspaceFiles} answered. */
    record FileServed(int attempt, RequestId id, String method, String path, FileResult result)
            implements ProcessMessage {}

    @FunctionalInterface
    interface FileOp {
        FileResult apply(WorkspaceFiles files) throws IOException;
    }

    private final ActorContext<ProcessMessage> context;
    private final Executor blocking;

    AgentFiles(ActorContext<ProcessMessage> context, Executor blocking) {
        this.context = context;
        this.blocking = blocking;
    }

    void serve(AgentLink link, RequestId id, String method, String path, FileOp op) {
        int attempt = link.attempt;
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return op.apply(link.files());
                            } catch (IOException e) {
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

    static ReplyEffect<Event, RunState> served(
            FileServed c, AgentLink link, EffectFactories<Event, RunState> effect, LongSupplier now) {
        FileResult result = c.result();
        if (result instanceof FileResult.Read read) {
            link.connection.respond(c.id(), new ClientResponse.ReadTextFile(read.content()));
            return effect.noReply();
        }
        if (result instanceof FileResult.Written written) {
            return effect.persist(new RunActor.FileWritten(
                            written.path().toString(), written.size(), written.sha256(), now.getAsLong()))
                    .thenRun(st -> link.connection.respond(c.id(), new ClientResponse.WriteTextFile()))
                    .thenNoReply();
        }
        FileResult.Refused refused = (FileResult.Refused) result;
        return effect.persist(new RunActor.FileRefused(
                        c.method(),
                        String.valueOf(c.path()),
                        refused.refusal().name().toLowerCase(Locale.ROOT),
                        refused.refusal().sandbox(),
                        refused.message(),
                        now.getAsLong()))
                .thenRun(st -> link.connection.respondError(
                        c.id(), RpcError.of(RpcError.RESOURCE_NOT_FOUND, refused.message())))
                .thenNoReply();
    }
}
