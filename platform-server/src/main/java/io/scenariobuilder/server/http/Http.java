package io.scenariobuilder.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.scenariobuilder.core.scenario.JsonSyntax;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every handler shares: the JSON mapper, reading bodies within limits, answering, and running blocking work
 * (store reads and writes, plugin installs) on virtual threads so that no event loop ever waits.
 */
public final class Http {

    /** Writes results: ISO-8601 times, no nulls dropped. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final ObjectMapper reader;
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sb-api-", 0).factory());

    public Http(int maxJsonDepth, long maxBodyBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxJsonDepth)
                        .maxDocumentLength(maxBodyBytes)
                        .build())
                .build();
        this.reader = new ObjectMapper(factory);
    }

    /**
     * The request body as JSON: 400 {@code invalid_json} naming the line and column of a syntax error, or the limit a
     * body passed; an empty body is an empty object.
     */
    public JsonNode body(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return JSON.createObjectNode();
        }
        return parse(buffer.getBytes());
    }

    /** Parses JSON bytes with the body limits. */
    public JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = reader.readTree(bytes);
            return node == null ? JSON.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "the body is not valid JSON " + JsonSyntax.describe(e));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "invalid_json", "the body cannot be read: " + e.getMessage());
        }
    }

    /** The body as a JSON object, or 400. */
    public JsonNode objectBody(RoutingContext ctx) {
        JsonNode body = body(ctx);
        if (!body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, got " + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return body;
    }

    /** Runs blocking work on a virtual thread; the future completes on the caller's Vert.x context. */
    public <T> Future<T> blocking(Vertx vertx, Callable<T> work) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, blocking);
        return Future.fromCompletionStage(result, vertx.getOrCreateContext()).recover(failure -> Future.failedFuture(
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
    }

    /**
     * Wraps a success handler of a future so that what it throws fails the request (a handler on a future's callback
     * is outside the router's own try/catch: an exception there would leave the request unanswered).
     */
    public static <T> io.vertx.core.Handler<T> guard(RoutingContext ctx, io.vertx.core.Handler<T> handler) {
        return value -> {
            try {
                handler.handle(value);
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        };
    }

    /** Answers {@code status} with {@code value} as JSON. */
    public static void json(RoutingContext ctx, int status, Object value) {
        String text;
        try {
            text = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(text);
    }

    /** A collection page: {@code {"items": [...], "nextCursor": ...}}, the cursor null on the last page. */
    public static java.util.Map<String, Object> page(java.util.List<?> items, String nextCursor) {
        java.util.Map<String, Object> page = new java.util.LinkedHashMap<>();
        page.put("items", items);
        page.put("nextCursor", nextCursor);
        return page;
    }

    /** Answers 204. */
    public static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    /** A path parameter, decoded. */
    public static String param(RoutingContext ctx, String name) {
        return ctx.pathParam(name);
    }

    /** {@code ?limit=} (default 50, at most 500), or 400. */
    /**
     * Refuses a query parameter the route does not take (a misspelled {@code ?scenario=} for {@code ?scenarioId=} would
     * otherwise be ignored, and the answer look like a filter that matched everything), naming the ones it takes.
     */
    public static void onlyParams(RoutingContext ctx, String... known) {
        java.util.Set<String> allowed = java.util.Set.of(known);
        for (String name : ctx.queryParams().names()) {
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "': this route takes "
                        + String.join(", ", java.util.Arrays.stream(known).sorted().toList()));
            }
        }
    }

    public static int limit(RoutingContext ctx) {
        String text = ctx.queryParams().get("limit");
        if (text == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > 500) {
                throw ApiException.badRequest("limit must be between 1 and 500, got " + limit);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a whole number, got '" + text + "'");
        }
    }

    /**
     * The {@code ?cursor=} of a list route, {@code null} for the first page. One not in the form this API gives
     * ({@code form}) is refused: read as a position, a typo would answer with an empty or a wrong page.
     */
    public static String cursor(RoutingContext ctx, java.util.regex.Pattern form) {
        String cursor = ctx.queryParams().get("cursor");
        if (cursor != null && !form.matcher(cursor).matches()) {
            String shown = cursor.length() > 64 ? cursor.substring(0, 64) + "..." : cursor;
            throw ApiException.badRequest("cursor '" + shown + "' is not one this API gave: pass the nextCursor of the previous "
                    + "page as it is, or leave cursor out for the first page");
        }
        return cursor;
    }

    /** Stops the blocking executor. */
    public void close() {
        blocking.shutdown();
    }
}
