package io.kaged.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.Supervisors;
import io.kaged.actors.audit.AuditQueries;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.Signals;
import io.kaged.actors.retention.RetentionService;
import io.kaged.actors.run.RunPurge;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.stats.StateGauges;
import io.kaged.actors.stats.StatsQueries;
import io.kaged.http.console.ConsoleRoutes;
import io.kaged.http.console.ConsoleSessions;
import io.kaged.http.console.ConsoleSettings;
import io.kaged.http.console.LoginTickets;
import io.kaged.http.metrics.HttpMetrics;
import io.kaged.http.metrics.RouteTemplates;
import io.kaged.http.routes.ApiRoutes;
import io.kaged.http.routes.ApprovalRoutes;
import io.kaged.http.routes.AttachTickets;
import io.kaged.http.routes.AuditRoutes;
import io.kaged.http.routes.AuditTrail;
import io.kaged.http.routes.BearerAuth;
import io.kaged.http.routes.InfoRoutes;
import io.kaged.http.routes.MetricsRoutes;
import io.kaged.http.routes.ProjectRoutes;
import io.kaged.http.routes.RetentionRoutes;
import io.kaged.http.routes.RunRoutes;
import io.kaged.http.routes.SecretRoutes;
import io.kaged.http.routes.SessionAttach;
import io.kaged.http.routes.SessionRoutes;
import io.kaged.http.routes.StatsRoutes;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.journal.JournalEvents;
import io.kaged.persistence.journal.JournalMetrics;
import io.kaged.persistence.metrics.MetricsExtension;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The http module's one entry: the whole API built on the store and the actors' supervisors
 * ({@link #routes}), and its binding ({@link #bind}). Everything the routes share (the audit trail, the
 * JSON mapper, the metrics) is made here, once.
 */
public final class HttpApi {

    /**
     * What the routes are built on.
     *
     * @param token the daemon's API token; run tokens are derived from it
     * @param info what {@code GET /v1/info} answers, asked at each request
     */
    public record Needs(
            ActorSystem<?> system,
            Store store,
            Supervisors actors,
            RetentionService retention,
            String token,
            HttpSettings settings,
            Clock clock,
            Supplier<InfoRoutes.Info> info) {}

    /** How long the coordinated shutdown lets requests in flight finish before it closes connections. */
    private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(5);

    private HttpApi() {}

    /** Every route of the API, counted in the actor system's metrics registry. */
    public static Route routes(Needs n) {
        ActorSystem<?> system = n.system();
        Store store = n.store();
        ObjectMapper mapper = new ObjectMapper();
        AuditTrail audit = new AuditTrail(store, n.clock());
        AuditLog auditLog = new AuditLog(n.clock());
        SessionQueries sessionQueries = new SessionQueries(store);
        SessionAttach attach = new SessionAttach(
                system,
                n.actors().sessions(),
                sessionQueries,
                n.settings(),
                n.actors().settings().sessions().clientBuffer(),
                new AttachTickets(n.clock()),
                audit);
        SessionRoutes sessions = new SessionRoutes(
                system,
                n.actors().sessions(),
                sessionQueries,
                audit,
                n.settings(),
                mapper,
                attach,
                auditLog,
                pid -> n.actors().blocking().execute(() -> Signals.sendToGroup(pid, Signal.KILL)),
                n.actors().confinement().secrets());
        RunRoutes runs = new RunRoutes(
                system,
                n.actors().runs(),
                new RunQueries(store),
                audit,
                n.settings(),
                mapper,
                new JournalEvents(store, new PayloadCodec(system.classicSystem())),
                new RunPurge(store, auditLog, io.kaged.actors.workspace.Workspaces.store(system)),
                n.actors().confinement().secrets());
        PrometheusRegistry registry = MetricsExtension.registry(system.classicSystem());
        GaugeWithCallback.builder()
                .name("kaged_store_degraded")
                .help("1 while the store does not take writes (GET /v1/health has the reason), else 0")
                .callback(cb -> cb.call(store.health().fault().isPresent() ? 1 : 0))
                .register(registry);
        // Created now, not at the first write, so the journal's series are there from the first scrape.
        JournalMetrics.get(system.classicSystem());
        ApiRoutes api = new ApiRoutes(
                n.settings(),
                new BearerAuth(n.token()),
                new InfoRoutes(n.info(), mapper, store.health()),
                sessions,
                runs,
                new ProjectRoutes(new ProjectStore(store, n.clock()), store.health(), mapper),
                new AuditRoutes(new AuditQueries(store), mapper),
                new StatsRoutes(new StatsQueries(store), mapper),
                new RetentionRoutes(n.retention(), store.health(), mapper),
                new SecretRoutes(
                        n.actors().confinement().secrets(), audit, n.actors().blocking(), mapper),
                new MetricsRoutes(
                        registry, new StateGauges(store, registry), n.settings().metricsOpen(), store.health()),
                new HttpMetrics(registry, RouteTemplates.api()),
                store.health(),
                new ApprovalRoutes(
                        system,
                        n.actors().runs(),
                        new RunQueries(store),
                        new io.kaged.actors.run.agent.ApprovalQueries(store),
                        audit,
                        n.settings(),
                        mapper));
        return console(n, audit).around(api.route(), api::hardened);
    }

    private static ConsoleRoutes console(Needs n, AuditTrail audit) {
        ConsoleSettings settings = ConsoleSettings.fromConfig(
                n.system().settings().config(), n.settings().host());
        return new ConsoleRoutes(
                n.token(),
                settings,
                new LoginTickets(n.clock()),
                new ConsoleSessions(n.clock(), settings.idleTimeout()),
                audit,
                n.settings().maxBodyBytes());
    }

    /**
     * Binds {@code route} on the configured host and port, with TLS when configured; the unbind is part of
     * coordinated shutdown.
     *
     * @throws io.kaged.http.tls.TlsException when TLS is required and missing, or its files are wrong
     */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, HttpSettings settings, Route route) {
        settings.tls().refusal(settings.host()).ifPresent(why -> {
            throw new io.kaged.http.tls.TlsException(why);
        });
        var server = Http.get(system)
                .newServerAt(settings.host(), settings.port())
                .withSettings(HttpServerSettings.create(system));
        if (settings.tls().enabled()) {
            server = server.enableHttps(org.apache.pekko.http.javadsl.ConnectionContext.httpsServer(
                    io.kaged.http.tls.ServerTls.context(settings.tls())));
        }
        return server.bind(route).thenApply(binding -> binding.addToCoordinatedShutdown(UNBIND_DEADLINE, system));
    }
}
