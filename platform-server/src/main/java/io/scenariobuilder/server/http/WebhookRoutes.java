package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code /hooks/{path}}: runs the scenario whose webhook trigger has that path, with {@code {body, headers, query,
 * method, path}} as trigger data. No API key; a scenario with a {@code secret} needs {@code X-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body>} (compared in constant time). 202 with the execution id once it is
 * stored; with {@code ?wait=true}, 200 with the last completed node's output.
 */
public final class WebhookRoutes {

    private final Vertx vertx;
    private final Http http;
    private final ExecutionEngine engine;
    private final ScenarioCatalog catalog;
    private final Duration maxWait;
    private final SecurityLog security;

    public WebhookRoutes(Vertx vertx, Http http, ExecutionEngine engine, ScenarioCatalog catalog, Duration maxWait,
            SecurityLog security) {
        this.security = security;
        this.vertx = vertx;
        this.http = http;
        this.engine = engine;
        this.catalog = catalog;
        this.maxWait = maxWait;
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
            throw new ApiException(405, "bad_request", "webhook '" + hookPath + "' takes " + trigger.method() + ", not " + method);
        }
        Buffer raw = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
        if (trigger.secret() != null && !signatureMatches(trigger.secret(), raw.getBytes(), ctx.request().getHeader("X-Signature"))) {
            security.refusedSignature(ctx, hookPath);
            throw new ApiException(401, "unauthorized", "webhook '" + hookPath + "' needs a valid X-Signature: sha256=<hex HMAC-SHA256 of the body>");
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("body", body(ctx, raw));
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
        ExecutionHandle handle = catalog.start(scenario, data, TraceContext.fromTraceparent(ctx.request().getHeader("traceparent")));
        Duration wait = "true".equals(ctx.queryParams().get("wait")) ? maxWait : null;
        ExecutionRoutes.answer(vertx, ctx, handle, 202, wait, result -> {
            if (result.status() != ExecutionStatus.COMPLETED) {
                throw new ApiException(500, "internal", "execution " + result.id() + " " + result.status().id()
                        + (result.error() == null ? "" : ": " + result.error().message()));
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

    static boolean signatureMatches(String secret, byte[] body, String header) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            byte[] presented = header.substring(7).trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, presented);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
