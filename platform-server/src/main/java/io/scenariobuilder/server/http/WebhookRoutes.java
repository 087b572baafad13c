package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.Trigger;
import io.scenariobuilder.server.ScenarioCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code /hooks/{path}}: runs the scenario whose webhook trigger has that path, with {@code {body, headers, query,
 * method, path, signed}} as trigger data. No API key; a scenario with a {@code secret} needs {@code X-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">} (as Stripe signs): compared in constant time, refused
 * when {@code t} is more than {@code SB_WEBHOOK_TOLERANCE_S} from now, and refused as a replay when the same signature
 * was accepted within that window. Only the body and {@code t} are signed: headers and query parameters reach the
 * scenario as they came ({@code signed} says whether the body was verified). 202 with the execution id once it is
 * stored; with {@code ?wait=true}, 200 with the last completed node's output, or 502 {@code execution_failed} with the
 * execution's id, status and error type (its message only when the trigger sets {@code exposeErrors}: it may carry
 * upstream data, and the caller is not authenticated).
 */
public final class WebhookRoutes {

    private final Vertx vertx;
    private final Http http;
    private final ExecutionEngine engine;
    private final ScenarioCatalog catalog;
    private final Duration maxWait;
    private final SecurityLog security;
    private final Duration tolerance;
    private final Clock clock;
    /** Signatures accepted within the tolerance window, by hook path and signature: a second use is a replay. */
    private final Cache<String, Boolean> seen;
    private final Admission admission;

    public WebhookRoutes(Vertx vertx, Http http, ExecutionEngine engine, ScenarioCatalog catalog, Duration maxWait,
            SecurityLog security, Duration tolerance, Clock clock, Admission admission) {
        this.admission = admission;
        this.security = security;
        this.vertx = vertx;
        this.http = http;
        this.engine = engine;
        this.catalog = catalog;
        this.maxWait = maxWait;
        this.tolerance = tolerance;
        this.clock = clock;
        // Twice the window: a signature stays remembered for as long as its timestamp could still be accepted.
        this.seen = Caffeine.newBuilder().maximumSize(1_000_000).expireAfterWrite(tolerance.multipliedBy(2)).build();
    }

    public void mount(Router router) {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.GET, HttpMethod.PUT}) {
            router.route(method, "/hooks/*").handler(this::hook);
        }
    }

    private void hook(RoutingContext ctx) {
        String path = ctx.pathParam("*");
        if (path == null || path.isBlank()) {
            path = ctx.request().path().substring("/hooks/".length());
        }
        String hookPath = path;
        Scenario scenario = catalog.byWebhookPath(hookPath)
                .orElseThrow(() -> ApiException.notFound("no scenario listens on webhook '" + hookPath + "'"));
        Trigger.Webhook trigger = (Trigger.Webhook) scenario.trigger();
        String method = ctx.request().method().name();
        if (!trigger.method().equalsIgnoreCase(method)) {
            throw ApiException.methodNotAllowed("webhook '" + hookPath + "' takes " + trigger.method() + ", not " + method,
                    List.of(trigger.method().toUpperCase(Locale.ROOT)));
        }
        Buffer raw = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
        if (trigger.secret() != null) {
            String refusal = verify(trigger.secret(), raw.getBytes(), ctx.request().getHeader("X-Signature"), hookPath);
            if (refusal != null) {
                security.refusedSignature(ctx, hookPath);
                throw new ApiException(401, "unauthorized", "webhook '" + hookPath + "': " + refusal + "; send X-Signature: "
                        + "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the scenario's secret>");
            }
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("body", body(ctx, raw));
        data.put("signed", trigger.secret() != null); // the body was verified; headers and query never are
        ObjectNode headers = data.putObject("headers");
        ctx.request().headers().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("authorization") && !name.equals("x-signature") && !name.equals("cookie")) {
                headers.put(name, h.getValue());
            }
        });
        ObjectNode query = data.putObject("query");
        ctx.queryParams().forEach(q -> query.put(q.getKey(), q.getValue()));
        data.put("method", method);
        data.put("path", hookPath);
        admission.check();
        ExecutionHandle handle = catalog.start(scenario, data, TraceContext.fromTraceparent(ctx.request().getHeader("traceparent")));
        Duration wait = "true".equals(ctx.queryParams().get("wait")) ? maxWait : null;
        ExecutionRoutes.answer(vertx, ctx, handle, 202, wait, result -> {
            if (result.status() != ExecutionStatus.COMPLETED) {
                // The caller is not authenticated: the node's message may carry upstream data, so it is told only
                // what happened unless the scenario opts in.
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("executionId", result.id());
                detail.put("status", result.status().id());
                detail.put("errorType", result.error() == null ? null : result.error().type().id());
                if (trigger.exposeErrors() && result.error() != null) {
                    detail.put("message", result.error().message());
                }
                throw new ApiException(502, "execution_failed", "execution " + result.id() + " " + result.status().id()
                        + (trigger.exposeErrors() && result.error() != null ? ": " + result.error().message() : ""), List.of(detail));
            }
            Http.json(ctx, 200, lastOutput(result));
        });
    }

    private JsonNode body(RoutingContext ctx, Buffer raw) {
        if (raw.length() == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).contains("json")) {
            return http.parse(raw.getBytes());
        }
        return JsonNodeFactory.instance.textNode(raw.toString(StandardCharsets.UTF_8));
    }

    /** The output of the last node, in scenario order, that completed. */
    static JsonNode lastOutput(ExecutionResult result) {
        JsonNode output = JsonNodeFactory.instance.nullNode();
        for (NodeRecord node : result.nodes()) {
            if (node.status() == NodeStatus.COMPLETED) {
                output = node.output();
            }
        }
        return output;
    }

    /**
     * Why a signature is refused, or {@code null} when it is good (and now remembered, so that its replay is refused).
     */
    String verify(String secret, byte[] body, String header, String hookPath) {
        if (header == null) {
            return "the X-Signature header is missing";
        }
        Long timestamp = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) {
                try {
                    timestamp = Long.parseLong(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return "the signature's t is not a number of seconds";
                }
            } else if (p.startsWith("v1=")) {
                v1 = p.substring(3).trim().toLowerCase(Locale.ROOT);
            }
        }
        if (timestamp == null || v1 == null) {
            return "the signature must carry t= and v1=";
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - timestamp) > tolerance.toSeconds()) {
            return "the signature's timestamp is more than " + tolerance.toSeconds() + " s from the server's clock";
        }
        if (!MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII))) {
            return "the signature does not match the body";
        }
        if (seen.asMap().putIfAbsent(hookPath + " " + v1, Boolean.TRUE) != null) {
            return "the signature was already used (a replay)";
        }
        return null;
    }

    /** The hex HMAC-SHA256 of {@code "<timestamp>.<body>"} with {@code secret}: what a sender puts in {@code v1=}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
