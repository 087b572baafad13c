package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context end to end: a caller's {@code traceparent} on the API or a webhook becomes the execution's trace,
 * shown in its result and log lines, and the {@code http} node passes its own span on to the service it calls.
 */
class TraceApiTest extends ServerTestBase {

    private static final String INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final Vertx upstreamVertx = Vertx.vertx();
    private final List<String> seenTraceparents = new CopyOnWriteArrayList<>();
    private HttpServer upstream;

    @BeforeEach
    void startUpstreamAndInstallHttp() throws Exception {
        upstream = upstreamVertx.createHttpServer().requestHandler(request -> {
            seenTraceparents.add(String.valueOf(request.getHeader("traceparent")));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\": true}");
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"))).status())
                .isEqualTo(201);
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "call", "trigger": {"type": "webhook", "path": "call", "method": "POST"}, "nodes": [
                  {"id": "get", "integrationId": "http", "actionId": "request",
                   "configuration": {"url": "http://127.0.0.1:%d/orders"}}]}""".formatted(upstream.actualPort()))).status())
                .isEqualTo(201);
    }

    @AfterEach
    void stopUpstream() {
        upstreamVertx.close().await();
    }

    @Test
    void theCallersTraceIsTheExecutionsAndTheHttpNodeSendsItsOwnSpan() {
        Response run = h.call(HttpMethod.POST, "/api/v1/scenarios/call/executions?wait=true", json("{}"), ADMIN_KEY,
                Map.of("traceparent", INCOMING));
        assertThat(run.body().get("status").asText()).isEqualTo("completed");
        assertThat(run.body().get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        String span = run.body().at("/nodes/0/attemptHistory/0/spanId").asText();
        assertThat(span).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(seenTraceparents).containsExactly("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span + "-01");

        JsonNode lines = h.get("/api/v1/executions/" + run.body().get("id").asText() + "/logs").body().get("items");
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            assertThat(line.get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(line.get("spanId").asText()).matches("[0-9a-f]{16}");
            assertThat(line.at("/context/executionId").asText()).isEqualTo(run.body().get("id").asText());
            assertThat(line.at("/context/scenarioId").asText()).isEqualTo("call");
            assertThat(line.fieldNames()).toIterable().containsExactly("timestamp", "level", "category", "message", "context",
                    "traceId", "spanId");
        });
    }

    @Test
    void withoutAValidTraceparentEachExecutionStartsItsOwnTrace() {
        Response accepted = h.call(HttpMethod.POST, "/api/v1/scenarios/call/executions", json("{}"), ADMIN_KEY,
                Map.of("traceparent", "00-not-a-trace-01"));
        assertThat(accepted.status()).isEqualTo(202);
        String traceId = accepted.body().get("traceId").asText();
        assertThat(traceId).matches("[0-9a-f]{32}");
        Response plain = h.post("/api/v1/scenarios/call/executions?wait=true", json("{}"));
        assertThat(plain.body().get("traceId").asText()).matches("[0-9a-f]{32}").isNotEqualTo(traceId);
        // The first execution was only accepted (202): its call may land after the second's.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> seenTraceparents.size() >= 2);
        assertThat(seenTraceparents).hasSize(2).allSatisfy(header -> assertThat(header).startsWith("00-").doesNotContain("null"));
    }

    @Test
    void aWebhookJoinsTheCallersTraceToo() {
        Response hook = h.call(HttpMethod.POST, "/hooks/call?wait=true", json("{}"), null, Map.of("traceparent", INCOMING));
        assertThat(hook.status()).isEqualTo(200);
        assertThat(seenTraceparents).singleElement().satisfies(header ->
                assertThat(header).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").doesNotContain("00f067aa0ba902b7"));
    }
}
