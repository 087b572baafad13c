package io.scenariobuilder.server.http;

import io.scenariobuilder.core.metrics.MetricsReport;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.metrics.SlidingHistogram.Window;
import io.scenariobuilder.server.metrics.PrometheusExposition;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * Metrics: {@code GET /metrics} in the Prometheus text format (no key by default; a viewer key with
 * {@code SB_METRICS_AUTH=true}), and {@code GET /api/v1/metrics} as JSON aggregates over a sliding window
 * ({@code ?window=5m|1h|24h}, {@code ?scenarioId=}). Both are built on a virtual thread: a scrape walks every metric.
 */
public final class MetricsRoutes {

    private final Vertx vertx;
    private final Http http;
    private final PlatformMetrics metrics;
    private final PrometheusExposition prometheus;
    private final Auth auth;
    private final boolean metricsAuth;

    public MetricsRoutes(Vertx vertx, Http http, PlatformMetrics metrics, Auth auth, boolean metricsAuth) {
        this.vertx = vertx;
        this.http = http;
        this.metrics = metrics;
        this.prometheus = new PrometheusExposition(metrics);
        this.auth = auth;
        this.metricsAuth = metricsAuth;
    }

    public void mount(Router router) {
        if (metricsAuth) {
            router.get("/metrics").handler(auth).handler(this::prometheus);
        } else {
            router.get("/metrics").handler(this::prometheus);
        }
        router.get("/api/v1/metrics").handler(this::report);
    }

    private void prometheus(RoutingContext ctx) {
        http.blocking(vertx, prometheus::text).onSuccess(Http.guard(ctx, text -> ctx.response()
                .putHeader("Content-Type", PrometheusExposition.CONTENT_TYPE)
                .end(Buffer.buffer(text)))).onFailure(ctx::fail);
    }

    private void report(RoutingContext ctx) {
        String windowText = ctx.queryParams().get("window");
        Window window = windowText == null ? Window.FIVE_MINUTES : Window.fromId(windowText).orElseThrow(() ->
                ApiException.badRequest("window must be one of " + Arrays.stream(Window.values()).map(Window::id).toList()
                        + ", got '" + windowText + "'"));
        String scenarioId = ctx.queryParams().get("scenarioId");
        http.blocking(vertx, () -> MetricsReport.of(metrics, window, scenarioId))
                .onSuccess(Http.guard(ctx, report -> Http.json(ctx, 200, report))).onFailure(ctx::fail);
    }
}
