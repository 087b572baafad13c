package io.scenariobuilder.server;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import com.codahale.metrics.jvm.ThreadStatesGaugeSet;
import ch.qos.logback.classic.LoggerContext;
import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionEvent;
import io.scenariobuilder.core.engine.ExecutionEvents;
import io.scenariobuilder.core.engine.ExecutionLog;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.plugin.PluginFolderWatcher;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.RetentionJob;
import io.scenariobuilder.core.store.RunMarker;
import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.jdbc.ClusterBus;
import io.scenariobuilder.core.store.jdbc.ClusterCommands;
import io.scenariobuilder.core.store.jdbc.ClusterMembership;
import io.scenariobuilder.core.store.jdbc.InstanceLock;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcPluginRecordStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import io.scenariobuilder.server.config.ServerConfig;
import io.scenariobuilder.server.http.Admission;
import io.scenariobuilder.server.http.Auth;
import io.scenariobuilder.server.http.ConnectionRoutes;
import io.scenariobuilder.server.http.ExecutionRoutes;
import io.scenariobuilder.server.http.ApiException;
import io.scenariobuilder.server.http.FailureHandler;
import io.scenariobuilder.server.http.RouteTemplates;
import io.scenariobuilder.server.http.Http;
import io.scenariobuilder.server.http.IntegrationRoutes;
import io.scenariobuilder.server.http.KeyRoutes;
import io.scenariobuilder.server.http.MetricsRoutes;
import io.scenariobuilder.server.http.PluginRoutes;
import io.scenariobuilder.server.http.ScenarioRoutes;
import io.scenariobuilder.server.http.ScheduleRoutes;
import io.scenariobuilder.server.http.SecurityLog;
import io.scenariobuilder.server.http.WebRoutes;
import io.scenariobuilder.server.http.WebhookRoutes;
import io.scenariobuilder.server.metrics.RequestMetrics;
import io.scenariobuilder.server.trace.OtlpTraces;
import io.scenariobuilder.server.trigger.Scheduler;
import io.scenariobuilder.server.ws.LiveHub;
import io.scenariobuilder.server.ws.LiveLogAppender;
import io.scenariobuilder.server.ws.StreamRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: the durable store, the engine and plugins, triggers (API, webhooks, schedules), and the Vert.x HTTP
 * API. {@link #start} brings it up in this order and returns once it listens; {@link #close} takes it down gently
 * (stop accepting, let running nodes finish within the grace period, close the store).
 */
public final class ScenarioBuilderServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScenarioBuilderServer.class);

    private final ServerConfig config;
    private final Injector injector;
    private final List<AutoCloseable> closeFirst = new ArrayList<>();
    private final Vertx vertx;
    private final Http http;
    private final Router router;
    private final List<HttpServer> servers = new ArrayList<>();
    private final String createdAdminKey;
    private final boolean ignoredAdminKey;
    private final int resumed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LiveHub<LogEntry> liveLogs;
    private final LiveHub<ExecutionEvent> liveEvents;
    private final LiveLogAppender liveLogAppender;
    private StreamRoutes streams;
    private Auth auth;
    /** Exports spans when SB_OTLP_ENDPOINT is set, else null (and the engine builds no span). */
    private final OtlpTraces traces;
    /** This server's hold on its database (released last on close). */
    private final InstanceLock instanceLock;
    /** This server's place among several on one PostgreSQL ({@code SB_CLUSTER=on}), or null. */
    private volatile ClusterMembership cluster;
    /** In a cluster: the servers' notifications, commands for executions others run, changes others make; else null. */
    private volatile ClusterBus bus;
    private volatile ClusterCommands commands;
    private volatile ClusterChanges changes;
    private volatile ClusterLive live;
    private volatile ClusterPlugins clusterPlugins;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Why the server stopped itself (its lock lost, or the cluster took it for stopped); null when an operator stopped it. */
    private volatile String stoppedItself;

    private ScenarioBuilderServer(ServerConfig config, List<Path> builtinPluginDirs, VertxOptions vertxOptions) throws IOException {
        this.config = config;
        Files.createDirectories(config.dataDir());
        Files.createDirectories(config.pluginsDir());
        Files.createDirectories(config.dataDir().resolve("uploads"));
        // One server per database (a second one would resume and run again what this one runs), or several in a cluster,
        // which share the lock and keep a server that runs alone out.
        this.instanceLock = InstanceLock.acquire(ServerModule.storeSettings(config), config.cluster().enabled());
        // PostgreSQL: a lock lost with its session is taken again; if another server has it by then, this one stops.
        instanceLock.watch(message -> {
            LOG.error(message);
            stoppedItself = message;
            Thread.ofPlatform().name("sb-lock-lost").start(this::close);
        });
        // Vert.x starts, and the store opens, each on its own thread while Guice wires the rest.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        CompletableFuture<Vertx> vertxStarting = CompletableFuture.supplyAsync(() -> {
            Vertx started = Vertx.vertx(vertxOptions == null ? new VertxOptions() : vertxOptions);
            warmUp(started);
            return started;
        }, onItsOwnThread("sb-vertx-start"));
        PlatformMetrics metrics = PlatformMetrics.create(Clock.systemUTC());
        metrics.registry().registerAll("jvm.memory", new MemoryUsageGaugeSet());
        new GarbageCollectorMetricSet().getMetrics().forEach((name, gauge) -> {
            if (name.endsWith(".time")) { // milliseconds: Prometheus wants seconds
                Gauge<?> millis = (Gauge<?>) gauge;
                metrics.registry().register("jvm.gc." + name.replaceFirst("\\.time$", ".seconds"),
                        (Gauge<Double>) () -> ((Number) millis.getValue()).doubleValue() / 1000.0);
            } else {
                metrics.registry().register("jvm.gc." + name, gauge);
            }
        });
        metrics.registry().registerAll("jvm.threads", new ThreadStatesGaugeSet());
        CompletableFuture<JdbcExecutionStore> opening =
                CompletableFuture.supplyAsync(() -> ServerModule.openStore(config, metrics), onItsOwnThread("sb-store-open"));
        try {
            this.injector = Engines.injector(ServerModule.of(config, opening, metrics));
            JdbcExecutionStore store = injector.getInstance(JdbcExecutionStore.class);
            ExecutionEngine engine = injector.getInstance(ExecutionEngine.class);
            PluginService plugins = injector.getInstance(PluginService.class);
            plugins.addListener(injector.getInstance(JdbcPluginRecordStore.class));

            // Plugins first: executions resumed below need their integrations.
            for (Path dir : builtinPluginDirs) {
                plugins.trustDirectory(dir); // shipped with the server: no signature asked of them
                loadPlugins(plugins, dir);
            }
            loadPlugins(plugins, config.pluginsDir());
            // After a crash, executions that were running count it; one running at each of the last two is not resumed.
            boolean unclean = RunMarker.begin(config.dataDir());
            if (unclean) {
                LOG.warn("the last run of the server did not stop cleanly (crash, kill or power loss)");
            }
            if (config.cluster().enabled()) {
                // In a cluster, a server resumes what stopped servers left (itself before a restart included), claimed
                // so that no two servers resume the same execution; the others' executions are theirs.
                this.cluster = ClusterMembership.join(store.dataSource(), instanceName(config), config.cluster().lease());
                store.ownedBy(cluster.id(), cluster.lease());
                this.bus = new ClusterBus(ServerModule.storeSettings(config), store.dataSource());
                this.commands = new ClusterCommands(store, cluster, bus);
                commands.attach(engine); // pause, resume, cancel reach the server running an execution
                // An execution left with only a later retry waits in the store, for any server with room at its time.
                // Not sooner than a ?wait=true caller stops waiting, so that no caller loses an answer it could get.
                engine.parkRetriesLongerThan(config.waitTimeout().compareTo(Duration.ofSeconds(10)) > 0 ? config.waitTimeout()
                        : Duration.ofSeconds(10));
                this.clusterPlugins = new ClusterPlugins(store.dataSource(), bus, plugins, config.pluginsDir());
                clusterPlugins.syncAll(); // the plugins uploaded to the cluster, before resuming what may need them
                this.resumed = claimOrphans(engine, store);
                engine.sendPendingNotifications();
            } else {
                this.cluster = null;
                this.resumed = engine.resumeUnfinished(unclean).size();
            }

            JdbcApiKeyStore keys = injector.getInstance(JdbcApiKeyStore.class);
            // A database without keys has never been started: its first start makes the admin key and imports the
            // examples. (Counting scenarios instead imported them again after a user deleted every one.)
            boolean firstStart = keys.list().isEmpty();
            this.createdAdminKey = firstStart ? bootstrapAdminKey(keys) : null;
            // SB_ADMIN_KEY on a database with keys, and not one of them: it is not made, and the start says so.
            this.ignoredAdminKey = config.adminKey() != null && keys.authenticate(config.adminKey()).isEmpty(); // serve says so

            JdbcScenarioStore scenarios = injector.getInstance(JdbcScenarioStore.class);
            ScenarioCatalog catalog = injector.getInstance(ScenarioCatalog.class);
            if (firstStart && config.importExamples()) {
                importExamples(scenarios, injector.getInstance(ScenarioValidator.class));
            }
            catalog.load(scenarios);

            Scheduler scheduler = new Scheduler(engine, injector.getInstance(JdbcScheduleStore.class), injector.getInstance(Clock.class));
            closeFirst.add(scheduler);
            for (var scenario : catalog.all()) {
                try {
                    scheduler.schedule(scenario, true);
                } catch (RuntimeException e) {
                    LOG.error("scenario {}: cannot plan its schedule: {}", scenario.id(), e.getMessage());
                }
            }
            catalog.listen(scheduler::scheduleLater, scheduler::unscheduleLater);
            closeFirst.add(new RetentionJob(store, injector.getInstance(Clock.class), new RetentionJob.Settings(
                    Duration.ofDays(config.retentionDays()), config.retentionPerScenario(), RetentionJob.Settings.defaults().interval())));
            closeFirst.add(new PluginFolderWatcher(plugins, config.pluginsDir()));

            // The live streams: every execution line and event, and the platform's own lines, fanned out to clients.
            this.liveLogs = new LiveHub<>("logs", config.streamBuffer(), config.streamHistory(), config.streamStall());
            this.liveEvents = new LiveHub<>("events", config.streamBuffer(), config.streamHistory(), config.streamStall());
            // In a cluster, this server's lines and events go to the others' streams too, and theirs come to this one's.
            ClusterLive toOthers = bus == null ? null : new ClusterLive(bus, cluster.id(), liveLogs, liveEvents);
            this.live = toOthers;
            java.util.function.Consumer<LogEntry> lines = toOthers == null ? liveLogs::publish : line -> {
                liveLogs.publish(line);
                toOthers.line(line);
            };
            injector.getInstance(ExecutionLog.class).addListener(lines::accept);
            injector.getInstance(ExecutionEvents.class).addListener(toOthers == null ? liveEvents::publish : event -> {
                liveEvents.publish(event);
                toOthers.event(event);
            });
            this.liveLogAppender = new LiveLogAppender(lines);
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                liveLogAppender.setContext(context);
                liveLogAppender.start();
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(liveLogAppender);
            }
            streamMetrics("logs", liveLogs);
            streamMetrics("events", liveEvents);
            if (toOthers != null) {
                injector.getInstance(PlatformMetrics.class).counter(CLUSTER_LIVE_DROPPED, toOthers::dropped);
            }
            this.traces = config.otlpEndpoint() == null ? null : new OtlpTraces(config.otlpEndpoint(), Duration.ofSeconds(2));
            if (traces != null) {
                injector.getInstance(ExecutionEvents.class).addSpanListener(traces);
                LOG.info("exporting traces to {}", config.otlpEndpoint());
            }

            this.vertx = vertxStarting.join();
            this.http = new Http(config.maxJsonDepth(), config.maxBodyBytes());
            this.router = router(catalog, keys, scenarios, engine, store, plugins);
            // One server per core on one port: Vert.x spreads the connections over as many event loops.
            int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
            // Vert.x shares a port between the servers of one instance when they ask for the same one; port 0 would give
            // each its own, so a free port is picked first.
            int port = config.port() != 0 ? config.port() : freePort(config.host());
            try {
                for (int i = 0; i < loops; i++) {
                    HttpServerOptions options = new HttpServerOptions()
                            .setHost(config.host())
                            .setPort(port)
                            .setMaxHeaderSize(config.maxHeaderBytes())
                            .setCompressionSupported(true)
                            // A browser sends its key as the subprotocol bearer.<key> and needs it echoed back.
                            .setWebSocketSubProtocols(List.of("*"));
                    HttpServer server = vertx.createHttpServer(options).requestHandler(router)
                            .invalidRequestHandler(ScenarioBuilderServer::invalidRequest) // 414, 431, 400 with the JSON body
                            .webSocketHandshakeHandler(streams::handshake) // the live streams' upgrades, before the router
                            .listen().await(30, TimeUnit.SECONDS);
                    servers.add(server);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the HTTP server did not start listening on " + config.host() + ":" + config.port() + " in 30 s", e);
            } catch (RuntimeException e) {
                // Taken between the check at the start and now.
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if (cause instanceof java.net.BindException bind) {
                        throw addressInUse(config.host(), port, bind);
                    }
                }
                throw e;
            }
            if (cluster != null) {
                // Changes made on any server reach this one; then it listens, and catches up with what came meanwhile.
                this.changes = new ClusterChanges(bus, catalog, scenarios, injector.getInstance(JdbcConnectionStore.class),
                        injector.getInstance(FieldOptions.class), auth, clusterPlugins);
                bus.start();
                live.start();
                changes.reconcile();
                changes.start();
                // Each heartbeat is followed by a look for executions that a stopped server left; a server that cannot
                // beat in time stops at once, before the others may take its executions.
                cluster.start(() -> {
                    claimOrphans(engine, store);
                    engine.sendPendingNotifications(); // those of stopped servers: claimed, so sent by one server only
                }, message -> {
                    stoppedItself = message;
                    Thread.ofPlatform().name("sb-fenced").start(() -> close(Duration.ZERO));
                });
            }
        } catch (IOException | RuntimeException | Error e) {
            // The start failed: stop Vert.x and close the store once they are up, so that nothing is left running or
            // holding the database. Waited for: when the start reports its failure, the data folder is free again (a
            // caller that starts once more in the same process, as a supervisor or a test does, finds it unlocked).
            closeLiveStreams();
            closeTraces();
            CompletableFuture<Void> vertxClosed = vertxStarting.thenCompose(started -> started.close().toCompletionStage())
                    .exceptionally(ignored -> null);
            CompletableFuture<Void> storeClosed = opening.handle((store, failure) -> {
                closeCluster();
                if (store != null) {
                    store.close();
                }
                instanceLock.close(); // after the store: the next server may take it over
                return null;
            });
            CompletableFuture<Void> closed = CompletableFuture.allOf(vertxClosed, storeClosed);
            try {
                closed.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException closing) {
                LOG.warn("after the failed start, closing what was opened: {}", closing.toString());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /**
     * Starts a server and returns once it listens.
     *
     * @param builtinPluginDirs folders of built-in plugin JARs, loaded before the plugins folder (not watched)
     * @param vertxOptions Vert.x tuning, or {@code null} for the defaults
     */
    public static ScenarioBuilderServer start(ServerConfig config, List<Path> builtinPluginDirs, VertxOptions vertxOptions)
            throws IOException {
        checkAddress(config.host(), config.port()); // before the store opens or the examples are imported
        return new ScenarioBuilderServer(config, builtinPluginDirs, vertxOptions);
    }

    /**
     * Fails, naming the setting, when the host is not one this machine can listen on (a name that does not resolve, an
     * address of another machine), or naming the address when another program listens on it already ({@code port} 0
     * takes any free port).
     */
    static void checkAddress(String host, int port) throws IOException {
        java.net.InetSocketAddress address = new java.net.InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("SB_HOST '" + host + "' is not a name this machine can resolve: listen on 127.0.0.1 (this "
                    + "machine only), 0.0.0.0 (every network) or one of this machine's addresses");
        }
        java.net.InetAddress ip = address.getAddress();
        if (!ip.isAnyLocalAddress() && !ip.isLoopbackAddress() && java.net.NetworkInterface.getByInetAddress(ip) == null) {
            throw new IOException("SB_HOST " + host + " is not an address of this machine: listen on 127.0.0.1 (this machine "
                    + "only), 0.0.0.0 (every network) or one of this machine's addresses");
        }
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (java.net.BindException e) {
            throw addressInUse(host, port, e);
        }
    }

    private static IOException addressInUse(String host, int port, Exception cause) {
        return new IOException(host + ":" + port + " is in use by another program (another Scenario Builder?): stop it, or choose "
                + "another port with SB_PORT or --port (" + cause.getMessage() + ")", cause);
    }

    private Router router(ScenarioCatalog catalog, JdbcApiKeyStore keys, JdbcScenarioStore scenarios, ExecutionEngine engine,
            ExecutionStore store, PluginService plugins) {
        Router router = Router.router(vertx);
        RequestMetrics requestMetrics = new RequestMetrics(injector.getInstance(PlatformMetrics.class));
        router.route().handler(requestMetrics);
        SecurityLog security = new SecurityLog();
        Auth auth = new Auth(keys, http, vertx, security, config.security().authFailuresPerMinute());
        this.auth = auth;
        this.streams = new StreamRoutes(vertx, auth, security, liveLogs, liveEvents);
        // The key is checked (and the role the route needs) before anything reads the body: an unauthenticated upload
        // is refused without being buffered.
        router.route("/api/*").handler(auth);
        // Bodies up to SB_MAX_BODY_BYTES; a plugin upload (which only an admin gets this far with) up to SB_PLUGIN_MAX_BYTES.
        String uploads = config.dataDir().resolve("uploads").toString();
        BodyHandler bodies = BodyHandler.create(uploads).setBodyLimit(config.maxBodyBytes()).setDeleteUploadedFilesOnEnd(true);
        BodyHandler pluginBodies = BodyHandler.create(uploads).setBodyLimit(Math.max(config.maxBodyBytes(), config.security().pluginMaxBytes()))
                .setDeleteUploadedFilesOnEnd(true);
        router.route().handler(ctx -> {
            boolean pluginUpload = ctx.request().method() == io.vertx.core.http.HttpMethod.POST
                    && ctx.request().path().equals("/api/v1/plugins");
            (pluginUpload ? pluginBodies : bodies).handle(ctx);
        });
        router.get("/health/live").handler(ctx -> Http.json(ctx, 200, Map.of("status", "up")));
        JdbcExecutionStore writes = injector.getInstance(JdbcExecutionStore.class);
        router.get("/health/ready").handler(ctx -> http.blocking(vertx, () -> {
                    writes.unavailableFor().ifPresent(outage -> {
                        throw new StoreException("cannot commit for " + outage.toMillis() + " ms: " + writes.unavailableBecause(), null);
                    });
                    return store.list(null, null, null, 1);
                })
                .onSuccess(Http.guard(ctx, ok -> Http.json(ctx, 200, Map.of("status", "ready", "plugins", plugins.list().size()))))
                .onFailure(failure -> Http.json(ctx, 503, Map.of("status", "store unreachable: " + failure.getMessage()))));
        byte[] openApi = openApi();
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8").end(io.vertx.core.buffer.Buffer.buffer(openApi)));
        new WebRoutes().mount(router);
        streams.mount(router);
        new MetricsRoutes(vertx, http, injector.getInstance(PlatformMetrics.class), auth, config.metricsAuth()).mount(router);
        new ScenarioRoutes(vertx, http, scenarios, injector.getInstance(ScenarioValidator.class), injector.getInstance(FieldOptions.class),
                catalog, injector.getInstance(JdbcConnectionStore.class)).mount(router);
        JdbcExecutionStore durable = injector.getInstance(JdbcExecutionStore.class);
        Admission admission = new Admission(engine, durable::queueDepth, durable::unavailableFor, config.reliability().maxActiveExecutions(),
                config.reliability().maxStoreQueue());
        new ExecutionRoutes(vertx, http, engine, store, catalog, config.waitTimeout(), admission).mount(router);
        new ConnectionRoutes(vertx, http, injector.getInstance(JdbcConnectionStore.class),
                injector.getInstance(IntegrationRegistry.class), injector.getInstance(ErrorClassifier.class), security,
                new ConfigurationValidator(injector.getInstance(ExpressionCompiler.class))).mount(router);
        new IntegrationRoutes(vertx, http, injector.getInstance(IntegrationRegistry.class), injector.getInstance(FieldOptions.class))
                .mount(router);
        new ScheduleRoutes(injector.getInstance(Clock.class)).mount(router);
        new PluginRoutes(vertx, http, plugins, config.pluginsDir(), security, clusterPlugins).mount(router);
        new KeyRoutes(vertx, http, keys, auth, security).mount(router);
        new WebhookRoutes(vertx, http, engine, catalog, config.waitTimeout(), security, config.security().webhookTolerance(),
                injector.getInstance(Clock.class), admission).mount(router);
        // Every route with a path is mounted: the templates are read once, for the metrics and for 404 against 405.
        RouteTemplates routes = RouteTemplates.of(router);
        requestMetrics.learn(routes);
        router.route().last().handler(ctx -> {
            Set<String> allowed = routes.allowed(ctx.request().path());
            ctx.fail(allowed.isEmpty() ? ApiException.notFound("no such resource: " + ctx.request().method() + " " + ctx.request().path())
                    : ApiException.methodNotAllowed(ctx.request().method() + " is not allowed on " + ctx.request().path(), allowed));
        });
        router.route().failureHandler(new FailureHandler());
        // A path Vert.x cannot decode (/api/v1/scenarios/%zz) is refused before any route: the same JSON error all the same.
        router.errorHandler(400, FailureHandler::badRequestBeforeRouting);
        return router;
    }

    /**
     * A request Netty could not decode (a URL or headers past their limits, a malformed request line): answered with
     * the same JSON error body as every other error, then the connection is closed.
     */
    private static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String message;
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            status = 414;
            message = "the request line (the URL) is longer than the server accepts (4096 bytes)";
        } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            status = 431;
            message = "the request's headers are larger than the server accepts (SB_MAX_HEADER_BYTES)";
        } else {
            status = 400;
            message = "the request is not valid HTTP";
        }
        String body = Http.JSON.createObjectNode().set("error", Http.JSON.createObjectNode().put("code", "bad_request")
                .put("message", message).set("details", Http.JSON.createArrayNode())).toString();
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Connection", "close").end(body).onComplete(ignored -> request.connection().close());
    }

    private static final MetricFamily STREAM_CLIENTS = MetricFamily.of("sb.stream.clients", MetricFamily.Kind.GAUGE,
            "sb_stream_clients", "Live stream clients connected now, by stream (logs, events)", "stream");
    private static final MetricFamily STREAM_DROPPED = MetricFamily.of("sb.stream.dropped", MetricFamily.Kind.COUNTER,
            "sb_stream_dropped_messages", "Live stream messages dropped for clients that could not keep up, by stream", "stream");

    private static final MetricFamily CLUSTER_LIVE_DROPPED = MetricFamily.of("sb.cluster.live.dropped", MetricFamily.Kind.COUNTER,
            "sb_cluster_live_dropped_messages", "Live lines and events of this server not sent to the other servers' streams "
                    + "because too many waited");

    private void streamMetrics(String stream, LiveHub<?> hub) {
        PlatformMetrics metrics = injector.getInstance(PlatformMetrics.class);
        metrics.gauge(STREAM_CLIENTS, hub::clients, stream);
        metrics.counter(STREAM_DROPPED, hub::dropped, stream);
    }

    /** The API's authentication (tests count its store lookups). */
    public Auth auth() {
        return auth;
    }

    /** The live streams' hubs (tests measure them). */
    public LiveHub<LogEntry> liveLogs() {
        return liveLogs;
    }

    private void closeLiveStreams() {
        if (liveLogAppender != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(liveLogAppender);
            liveLogAppender.stop();
        }
        if (liveLogs != null) {
            liveLogs.close();
        }
        if (liveEvents != null) {
            liveEvents.close();
        }
    }

    private void closeTraces() {
        if (traces != null) {
            traces.close();
        }
    }

    /** Runs each task on a new platform thread of that name (start-up work done beside the main thread). */
    private static java.util.concurrent.Executor onItsOwnThread(String name) {
        return task -> Thread.ofPlatform().name(name).start(task);
    }

    /**
     * Runs one request through a throwaway server on a free loopback port, while the store and Guice are still
     * starting: the first real request then finds Netty's HTTP codec, the router and Jackson warm (cold, it took 150
     * to 210 ms). A failure here only costs that time.
     */
    private static void warmUp(Vertx vertx) {
        try {
            Router router = Router.router(vertx);
            router.route().handler(BodyHandler.create(false));
            router.get("/warm").handler(ctx -> Http.json(ctx, 200, Map.of("status", "up")));
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                    .setCompressionSupported(true)).requestHandler(router).listen().await(10, TimeUnit.SECONDS);
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.actualPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /warm HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            } finally {
                server.close().await(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debug("the warm-up request failed (the first real request will be slower): {}", e.toString());
        }
    }

    private static int freePort(String host) throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    private static byte[] openApi() {
        try (InputStream in = ScenarioBuilderServer.class.getResourceAsStream("/io/scenariobuilder/server/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server JAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json", e);
        }
    }

    private static void loadPlugins(PluginService plugins, Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        PluginService.DirectoryLoad load = plugins.loadDirectory(dir);
        load.failed().forEach((jar, failure) -> LOG.error("plugin {} not loaded: {}", jar.getFileName(), failure.getMessage()));
    }

    /** On first start (no key stored): the admin key from SB_ADMIN_KEY, or a new one (returned, to print once). */
    private String bootstrapAdminKey(JdbcApiKeyStore keys) {
        if (config.adminKey() != null) {
            keys.createWithSecret("admin", JdbcApiKeyStore.Role.ADMIN, config.adminKey());
            return null;
        }
        return keys.create("admin", JdbcApiKeyStore.Role.ADMIN).secret();
    }

    private void importExamples(JdbcScenarioStore scenarios, ScenarioValidator validator) {
        Path dir = config.examplesDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (var listed = Files.list(dir)) {
            files = listed.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot list the examples in {}: {}", dir, e.toString());
            return;
        }
        // Each file on its own: one that cannot be imported (unreadable, an id taken twice) leaves the others imported.
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                ScenarioValidator.Validation validation = validator.validate(Files.readString(file), name.replaceFirst("\\.json$", ""));
                if (validation.valid()) {
                    scenarios.create(validation.scenario());
                    LOG.info("imported example scenario {} from {}", validation.scenario().id(), name);
                } else {
                    LOG.debug("{} is not a scenario (trigger data?): not imported", name);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("example {} not imported: {}", file, e.getMessage());
            }
        }
    }

    /** The port the server listens on. */
    public int port() {
        return servers.get(0).actualPort();
    }

    /** The URL of the server. */
    public String url() {
        return "http://" + config.host() + ":" + port();
    }

    /** The admin key this start created (first start without {@code SB_ADMIN_KEY}), else {@code null}. */
    public String createdAdminKey() {
        return createdAdminKey;
    }

    /** Whether {@code SB_ADMIN_KEY} was set but not made a key: the database had keys already, and not this one. */
    public boolean ignoredAdminKey() {
        return ignoredAdminKey;
    }

    /** How many unfinished executions this start resumed. */
    public int resumedExecutions() {
        return resumed;
    }

    public Router router() {
        return router;
    }

    /**
     * Shuts down gently: stops accepting requests and starting scheduled runs, lets running nodes finish within the
     * grace period ({@code SB_SHUTDOWN_GRACE_MS}), leaves the rest to resume on the next start, closes the store.
     */
    @Override
    public void close() {
        close(config.shutdownGrace());
    }

    /** Stops; running nodes get {@code grace} to finish (none when this server must stop before others take over). */
    private void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("shutting down: no new requests; running nodes get {} ms to finish", grace.toMillis());
        for (HttpServer server : servers) {
            try {
                server.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing the HTTP server: {}", e.toString());
            }
        }
        for (AutoCloseable closeable : closeFirst) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
        int cut = injector.getInstance(ExecutionEngine.class).drain(grace);
        if (cut > 0) {
            LOG.warn("{} execution(s) still had nodes running; they resume on the next start", cut);
        }
        closeLiveStreams();
        closeTraces(); // after the drain: the spans of what ended then leave too
        injector.getInstance(PluginService.class).close();
        closeCluster(); // after the drain: the others claim what is left at once
        injector.getInstance(JdbcExecutionStore.class).close();
        http.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
        RunMarker.end(config.dataDir());
        instanceLock.close();
        LOG.info("stopped");
        stopped.complete(null);
    }

    /** Leaves the cluster (if in one): its notifications, commands and changes stop, then its row goes. */
    private void closeCluster() {
        for (AutoCloseable part : new AutoCloseable[] {live, changes, commands, bus, cluster}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("leaving the cluster: {}", e.toString());
            }
        }
    }

    /**
     * Claims the unfinished executions of stopped servers (their due retries with them) and resumes them here, as many
     * as this server has room for under SB_MAX_ACTIVE_EXECUTIONS: a busy server leaves them to freer ones. Answers how
     * many it resumed.
     */
    private int claimOrphans(ExecutionEngine engine, JdbcExecutionStore store) {
        int total = 0;
        while (true) {
            int room = config.reliability().maxActiveExecutions() - engine.activeExecutions();
            if (room <= 0) {
                return total;
            }
            List<io.scenariobuilder.core.store.ResumableExecution> batch = store.claimOrphans(cluster.lease(), Math.min(500, room));
            if (batch.isEmpty()) {
                return total;
            }
            total += engine.resumeStored(batch).size();
        }
    }

    /** How this server is shown to the others: SB_INSTANCE_NAME, else its host name, process and port. */
    private static String instanceName(ServerConfig config) {
        if (config.cluster().instanceName() != null) {
            return config.cluster().instanceName();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return host + " pid " + ProcessHandle.current().pid() + (config.port() == 0 ? "" : " port " + config.port());
    }

    /** Completes once the server stopped, whoever stopped it (an operator, or a lost server lock). */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** Why the server stopped itself, if it did: its database lock went to another server, or the cluster took it for stopped. */
    public java.util.Optional<String> stoppedItself() {
        return java.util.Optional.ofNullable(stoppedItself);
    }
}
