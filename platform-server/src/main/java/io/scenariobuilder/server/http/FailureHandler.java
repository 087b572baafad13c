package io.scenariobuilder.server.http;

import io.scenariobuilder.core.engine.ExecutionStateException;
import io.scenariobuilder.core.engine.UnknownExecutionException;
import io.scenariobuilder.core.fields.FieldOptionsException;
import io.scenariobuilder.core.logging.Redactor;
import io.scenariobuilder.core.plugin.PluginConflictException;
import io.scenariobuilder.core.plugin.PluginInUseException;
import io.scenariobuilder.core.plugin.PluginInvalidException;
import io.scenariobuilder.core.plugin.UnknownPluginException;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore.StaleVersionException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become answers: each error type maps to a status and a code, and the body is always
 * {@code {"error": {"code", "message", "details"}}}. No stack trace reaches a client; an unexpected failure is logged
 * with an id the answer repeats.
 */
public final class FailureHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        respond(ctx, toApi(ctx.failure(), ctx.statusCode(), ctx));
    }

    /**
     * For the router's own refusal of a request no route saw (a path that is not valid percent-encoding): a 400 in
     * the API's error shape, naming what is wrong.
     */
    public static void badRequestBeforeRouting(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        respond(ctx, badRequest(failure == null ? null : failure.getCause() != null ? failure.getCause() : failure));
    }

    /** 400 naming what Vert.x found wrong ({@code why}'s message), or a plain "bad request" when it says nothing. */
    private static ApiException badRequest(Throwable why) {
        String message = why == null ? null : why.getMessage();
        return ApiException.badRequest(message == null ? "bad request" : "bad request: " + message);
    }

    private static void respond(RoutingContext ctx, ApiException error) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        // Messages may echo what was sent (a URL with its user-info, a header): secrets are masked on the way out.
        body.put("message", Redactor.redact(error.getMessage()));
        body.put("details", error.details().stream().map(FailureHandler::redacted).toList());
        error.headers().forEach((name, value) -> ctx.response().putHeader(name, value));
        if (error.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        Http.json(ctx, error.status(), Map.of("error", body));
    }

    private static Map<String, Object> redacted(Map<String, Object> detail) {
        Map<String, Object> out = new LinkedHashMap<>(detail);
        out.replaceAll((key, value) -> value instanceof String text ? Redactor.redact(text) : value);
        return out;
    }

    static ApiException toApi(Throwable failure, int status, RoutingContext ctx) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof InvalidScenarioException invalid) {
            List<Map<String, Object>> details = invalid.problems().stream()
                    .map(p -> {
                        Map<String, Object> detail = new LinkedHashMap<>();
                        detail.put("path", p.path());
                        detail.put("message", p.message());
                        return detail;
                    })
                    .toList();
            return new ApiException(400, "scenario_invalid", "the scenario is not valid (" + details.size() + " problem"
                    + (details.size() == 1 ? "" : "s") + ")", details);
        }
        if (failure instanceof UnknownExecutionException || failure instanceof UnknownPluginException) {
            return ApiException.notFound(failure.getMessage());
        }
        if (failure instanceof ExecutionStateException || failure instanceof StaleVersionException
                || failure instanceof PluginConflictException) {
            return ApiException.conflict(failure.getMessage());
        }
        if (failure instanceof PluginInUseException) {
            return new ApiException(409, "plugin_in_use", failure.getMessage());
        }
        if (failure instanceof PluginInvalidException) {
            return new ApiException(400, "plugin_invalid", failure.getMessage());
        }
        if (failure instanceof FieldOptionsException options) {
            return switch (options.reason()) {
                case UNKNOWN -> ApiException.notFound(options.getMessage());
                case NO_OPTIONS -> ApiException.badRequest(options.getMessage());
                case MISSING_DEPENDENCIES -> new ApiException(422, "missing_dependencies", options.getMessage(),
                        options.fields().stream().map(field -> Map.<String, Object>of("field", field)).toList());
                case BAD_CONNECTION -> new ApiException(422, "connection_invalid", options.getMessage());
                case FETCH_FAILED -> new ApiException(502, "options_fetch_failed", options.getMessage(), options.errorType() == null
                        ? List.of() : List.of(Map.of("errorType", options.errorType())));
                case TIMEOUT -> new ApiException(504, "options_timeout", options.getMessage());
            };
        }
        if (failure instanceof io.vertx.ext.web.handler.HttpException http && http.getStatusCode() >= 400 && http.getStatusCode() < 500) {
            // Vert.x refusing the request itself, such as a query that is not valid percent-encoding: the client's fault.
            return http.getStatusCode() == 400 ? badRequest(http.getCause()) : toApi(null, http.getStatusCode(), ctx);
        }
        if (failure == null) {
            // Only Vert.x's own handlers fail with a bare status (the routes fail with typed errors): the body handler's
            // 413, or another refusal of the request.
            return status == 413 ? new ApiException(413, "payload_too_large", "the body is larger than the server accepts (SB_MAX_BODY_BYTES)")
                    : status >= 400 && status < 500 ? new ApiException(status, "bad_request", "bad request")
                    : internal(null, ctx);
        }
        if (failure instanceof io.scenariobuilder.core.store.StoreException store && store.unavailable()) {
            return new ApiException(503, "store_unavailable", "the store is unavailable for now; try again").withHeader("Retry-After", "5");
        }
        if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("shut down")) {
            return new ApiException(503, "internal", "the server is shutting down");
        }
        return internal(failure, ctx);
    }

    private static ApiException internal(Throwable failure, RoutingContext ctx) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error {} on {} {}", id, ctx.request().method(), ctx.request().path(), failure);
        return new ApiException(500, "internal", "internal error (logged as " + id + ")");
    }
}
