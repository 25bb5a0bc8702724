package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * The physical limit the console is measured against: a pty (pty4j) piped to a WebSocket and back, on Pekko
 * HTTP like the daemon, with nothing recorded, no actor, no transcript and no login. {@code /} is a minimal
 * page with the same xterm.js and fit addon as the console, taken from the console's installed npm packages
 * ({@code http/src/main/web/node_modules}), so no copy of them is kept here; {@code /pty?cmd=cat} starts
 * {@code cat} (any command on the PATH) in a new pty for that WebSocket and ends it when the socket closes.
 */
final class PtyBridge implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContentType JS = MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
    private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);

    /** The ptys of the sockets still open: closing the bridge ends them, so no reader thread is left blocked. */
    private static final java.util.Set<PtyProcess> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final ActorSystem<Void> system;
    private final ServerBinding binding;

    private PtyBridge(ActorSystem<Void> system, ServerBinding binding) {
        this.system = system;
        this.binding = binding;
    }

    /** Serves the bridge on a free loopback port; {@code nodeModules} holds {@code @xterm/xterm} and its fit addon. */
    static PtyBridge start(Path nodeModules) throws Exception {
        Path xterm = nodeModules.resolve("@xterm/xterm");
        Path fit = nodeModules.resolve("@xterm/addon-fit/lib/addon-fit.js");
        if (!Files.isRegularFile(xterm.resolve("lib/xterm.js")) || !Files.isRegularFile(fit)) {
            throw new IllegalStateException("no @xterm/xterm or @xterm/addon-fit under " + nodeModules
                    + "; the console's build installs them (bench/run.sh builds it)");
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pty-bridge");
        Routes routes = new Routes(xterm, fit, Materializer.matFromSystem(system));
        ServerBinding binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .bind(routes.route())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return new PtyBridge(system, binding);
    }

    int port() {
        return binding.localAddress().getPort();
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
        RUNNING.forEach(PtyProcess::destroyForcibly);
        system.terminate();
    }

    private static final class Routes extends AllDirectives {
        private final Path xterm;
        private final Path fit;
        private final Materializer mat;

        Routes(Path xterm, Path fit, Materializer mat) {
            this.xterm = xterm;
            this.fit = fit;
            this.mat = mat;
        }

        Route route() {
            return concat(
                    pathSingleSlash(() -> getFromResource("console-bench/bridge.html", ContentTypes.TEXT_HTML_UTF8)),
                    path("bridge.js", () -> getFromResource("console-bench/bridge.js", JS)),
                    path("bridge.css", () -> getFromResource("console-bench/bridge.css", CSS)),
                    pathPrefix(
                            "xterm",
                            () -> concat(
                                    path(
                                            "xterm.js",
                                            () -> getFromFile(
                                                    xterm.resolve("lib/xterm.js")
                                                            .toFile(),
                                                    JS)),
                                    path(
                                            "xterm.css",
                                            () -> getFromFile(
                                                    xterm.resolve("css/xterm.css")
                                                            .toFile(),
                                                    CSS)),
                                    path("addon-fit.js", () -> getFromFile(fit.toFile(), JS)))),
                    path("pty", () -> parameter("cmd", cmd -> handleWebSocketMessages(pty(cmd, mat)))));
        }
    }

    /** Output bytes as binary frames as fast as the socket takes them; binary frames in are keystrokes. */
    private static Flow<Message, Message, NotUsed> pty(String cmd, Materializer mat) {
        PtyProcess process;
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("TERM", "xterm-256color");
            process = new PtyProcessBuilder(new String[] {cmd})
                    .setEnvironment(env)
                    .setInitialColumns(80)
                    .setInitialRows(24)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd + " in a pty", e);
        }
        RUNNING.add(process);
        OutputStream keys = process.getOutputStream();
        Sink<Message, ?> in = Flow.<Message>create()
                .mapAsync(
                        1,
                        m -> m.isText()
                                ? m.asTextMessage().toStrict(5_000, mat).thenApply(t -> (Object) t.getStrictText())
                                : m.asBinaryMessage().toStrict(5_000, mat).thenApply(b -> (Object) b.getStrictData()))
                .to(Sink.foreach(frame -> {
                    if (frame instanceof ByteString bytes) {
                        keys.write(bytes.toArray());
                        keys.flush();
                    } else {
                        JsonNode resize = JSON.readTree((String) frame);
                        process.setWinSize(new WinSize(
                                resize.get("cols").asInt(), resize.get("rows").asInt()));
                    }
                }));
        Source<Message, ?> out = StreamConverters.fromInputStream(process::getInputStream, 64 * 1024)
                .map(bytes -> (Message) BinaryMessage.create(bytes))
                .watchTermination((m, done) -> {
                    done.whenComplete((ok, e) -> {
                        RUNNING.remove(process);
                        process.destroyForcibly();
                    });
                    return m;
                });
        return Flow.fromSinkAndSourceCoupled(in, out).mapMaterializedValue(m -> NotUsed.notUsed());
    }
}
