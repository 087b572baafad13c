package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.server.ScenarioCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Executions: start one ({@code ?wait=true} answers with the result), list, read, pause, resume, cancel, retry, and
 * read the log. A start is acknowledged only once the execution is stored.
 */
public final class ExecutionRoutes {

    /** An execution id: 128 bits as 32 lowercase hex digits. */
    private static final java.util.regex.Pattern EXECUTION_ID = java.util.regex.Pattern.compile("[0-9a-f]{32}");

    private final Admission admission;

    private final Vertx vertx;
    private final Http http;
    private final ExecutionEngine engine;
    private final ExecutionStore store;
    private final ScenarioCatalog catalog;
    private final Duration maxWait;

    public ExecutionRoutes(Vertx vertx, Http http, ExecutionEngine engine, ExecutionStore store, ScenarioCatalog catalog,
            Duration maxWait, Admission admission) {
        this.admission = admission;
        this.vertx = vertx;
        this.http = http;
        this.engine = engine;
        this.store = store;
        this.catalog = catalog;
        this.maxWait = maxWait;
    }

    public void mount(Router router) {
        router.post("/api/v1/scenarios/:id/executions").handler(this::start);
        router.get("/api/v1/executions").handler(this::list);
        router.get("/api/v1/executions/:id").handler(this::get);
        router.get("/api/v1/executions/:id/logs").handler(this::logs);
        router.post("/api/v1/executions/:id/pause").handler(ctx -> command(ctx, engine::pause));
        router.post("/api/v1/executions/:id/resume").handler(ctx -> command(ctx, engine::resume));
        router.post("/api/v1/executions/:id/cancel").handler(ctx -> command(ctx, engine::cancel));
        router.post("/api/v1/executions/:id/retry").handler(this::retry);
    }

    private void start(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        Scenario scenario = catalog.find(id).orElseThrow(() -> ApiException.notFound("no scenario '" + id + "'"));
        JsonNode trigger = http.body(ctx);
        admission.check();
        ExecutionHandle handle = catalog.start(scenario, trigger, TraceContext.fromTraceparent(ctx.request().getHeader("traceparent")));
        answer(ctx, handle, 202);
    }

    /** Answers once the execution is stored: 202 with its id, or with {@code ?wait=true} 200 with its result. */
    void answer(RoutingContext ctx, ExecutionHandle handle, int acceptedStatus) {
        Duration wait = "true".equals(ctx.queryParams().get("wait")) ? waitTimeout(ctx) : null;
        answer(vertx, ctx, handle, acceptedStatus, wait, result -> Http.json(ctx, 200, result));
    }

    /**
     * Answers a start: without {@code wait}, {@code acceptedStatus} with the execution id once it is stored; with it,
     * {@code onEnd} once the execution ends (which implies stored: one hop back to the event loop, not two), or 202
     * with {@code status: running} when {@code wait} passes first.
     */
    static void answer(Vertx vertx, RoutingContext ctx, ExecutionHandle handle, int acceptedStatus, Duration wait,
            java.util.function.Consumer<ExecutionResult> onEnd) {
        if (wait == null) {
            Future.fromCompletionStage(handle.accepted(), vertx.getOrCreateContext()).onSuccess(Http.guard(ctx, stored ->
                    Http.json(ctx, acceptedStatus, accepted(handle, ExecutionStatus.QUEUED)))).onFailure(ctx::fail);
            return;
        }
        long timer = vertx.setTimer(wait.toMillis(), t -> {
            if (!ctx.response().ended()) {
                // Still running: say so, and where to look.
                Http.json(ctx, 202, accepted(handle, ExecutionStatus.RUNNING));
            }
        });
        Future.fromCompletionStage(handle.completion(), vertx.getOrCreateContext()).onComplete(done -> {
            vertx.cancelTimer(timer);
            if (ctx.response().ended()) {
                return;
            }
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            Http.guard(ctx, onEnd::accept).handle(done.result());
        });
    }

    private Duration waitTimeout(RoutingContext ctx) {
        String text = ctx.queryParams().get("timeoutMs");
        if (text == null) {
            return maxWait;
        }
        try {
            long ms = Long.parseLong(text);
            if (ms < 1) {
                throw ApiException.badRequest("timeoutMs must be positive, got " + ms);
            }
            return Duration.ofMillis(Math.min(ms, maxWait.toMillis()));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("timeoutMs must be a whole number, got '" + text + "'");
        }
    }

    static Map<String, Object> accepted(String executionId, ExecutionStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", executionId);
        body.put("status", status.id());
        return body;
    }

    /** The answer to a start: the execution's id, status, trace id and the scenario version it runs. */
    static Map<String, Object> accepted(ExecutionHandle handle, ExecutionStatus status) {
        Map<String, Object> body = accepted(handle.executionId(), status);
        body.put("traceId", handle.traceId());
        body.put("scenarioVersion", handle.scenarioVersion());
        return body;
    }

    private void list(RoutingContext ctx) {
        Http.onlyParams(ctx, "scenarioId", "status", "limit", "cursor");
        int limit = Http.limit(ctx);
        String scenarioId = ctx.queryParams().get("scenarioId");
        String statusText = ctx.queryParams().get("status");
        // Any case (?status=COMPLETED); a wrong one is refused with the ones there are.
        ExecutionStatus status = statusText == null ? null : ExecutionStatus.fromId(statusText.strip().toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> ApiException.badRequest("unknown status '" + statusText + "': one of " + String.join(", ",
                        java.util.Arrays.stream(ExecutionStatus.values()).map(ExecutionStatus::id).toList())));
        String cursor = Http.cursor(ctx, EXECUTION_ID); // the last id of the page before
        http.blocking(vertx, () -> store.list(scenarioId, status, cursor, limit))
                .onSuccess(Http.guard(ctx, page -> Http.json(ctx, 200, Http.page(page.items(), page.nextCursor()))))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        // A running execution answers from memory; a finished one from the store (a blocking read).
        http.blocking(vertx, () -> engine.snapshot(id).toCompletableFuture().join())
                .onSuccess(Http.guard(ctx, result -> Http.json(ctx, 200, result)))
                .onFailure(ctx::fail);
    }

    private void logs(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> {
            if (store.find(id).isEmpty()) {
                throw ApiException.notFound("no execution '" + id + "'");
            }
            return store.logs(id);
        }).onSuccess(Http.guard(ctx, lines -> Http.json(ctx, 200, Http.page(lines, null)))).onFailure(ctx::fail);
    }

    private void command(RoutingContext ctx, Function<String, CompletionStage<ExecutionStatus>> command) {
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> command.apply(id).toCompletableFuture().join())
                .onSuccess(Http.guard(ctx, status -> Http.json(ctx, 200, accepted(id, status))))
                .onFailure(ctx::fail);
    }

    /**
     * Retries a failed or incomplete execution under the version it ran, or with {@code ?version=latest} under its
     * scenario's latest version (the user fixed what failed, as n8n's "retry with the currently saved workflow").
     */
    private void retry(RoutingContext ctx) {
        Http.onlyParams(ctx, "version", "wait", "timeoutMs");
        String id = Http.param(ctx, "id");
        String version = ctx.queryParams().get("version");
        if (version != null && !version.equals("latest") && !version.equals("original")) {
            throw ApiException.badRequest("version must be 'latest' (the scenario as saved now) or 'original' (the version the "
                    + "execution ran, the default), got '" + version + "'");
        }
        boolean latest = "latest".equals(version);
        http.blocking(vertx, () -> {
            if (!latest) {
                return engine.retry(id);
            }
            String scenarioId = store.find(id).orElseThrow(() -> ApiException.notFound("no execution '" + id + "'")).scenarioId();
            Scenario scenario = catalog.find(scenarioId).orElseThrow(() -> ApiException.conflict("execution " + id + " ran scenario '"
                    + scenarioId + "', which is deleted: retry it without ?version=latest"));
            return engine.retry(id, scenario);
        }).onSuccess(Http.guard(ctx, handle -> answer(ctx, handle, 202))).onFailure(ctx::fail);
    }
}
