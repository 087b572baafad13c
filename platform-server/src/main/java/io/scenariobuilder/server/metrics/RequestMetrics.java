package io.scenariobuilder.server.metrics;

import com.codahale.metrics.Timer;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.server.http.RouteTemplates;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP request by route template ({@code /api/v1/executions/:id}, never the id itself), method and status
 * class ({@code 2xx}...). The template comes from the router's own routes, matched against the path when the answer
 * ends (a failure handler has replaced the current route by then); a path no route serves is {@code unmatched}, so
 * that nobody can make new series by asking for new paths.
 */
public final class RequestMetrics implements Handler<RoutingContext> {

    public static final MetricFamily REQUESTS = MetricFamily.of("sb.http.requests", MetricFamily.Kind.TIMER,
            "sb_http_request_duration_seconds", "HTTP requests by route template, method and status class", "route", "method",
            "status_class");

    private record Key(String route, String method, int statusClass) {
    }

    private final PlatformMetrics metrics;
    private volatile RouteTemplates templates = RouteTemplates.none();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    public RequestMetrics(PlatformMetrics metrics) {
        this.metrics = metrics;
    }

    /** Learns the route templates of the router, once its routes are all mounted. */
    public void learn(RouteTemplates routes) {
        templates = routes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(ended -> {
            String route = name(ctx.request().method(), ctx.request().path());
            int statusClass = ctx.response().getStatusCode() / 100;
            String method = ctx.request().method().name();
            timers.computeIfAbsent(new Key(route, method, statusClass),
                    k -> metrics.timer(REQUESTS, route, method, statusClass + "xx"))
                    .update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    /** The template of the first route serving this method and path, or {@code unmatched}. */
    String name(HttpMethod method, String path) {
        return templates.name(method, path);
    }
}
