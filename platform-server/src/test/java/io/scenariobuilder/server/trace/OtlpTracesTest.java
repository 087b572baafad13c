package io.scenariobuilder.server.trace;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.scenariobuilder.server.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code SB_OTLP_ENDPOINT}, executions and node attempts reach an OTLP/HTTP receiver (a small one started here,
 * decoding the protobuf it gets) as spans, parent and child as they ran, under the caller's trace.
 */
class OtlpTracesTest {

    @TempDir
    Path dir;

    private final Vertx receiverVertx = Vertx.vertx();
    private final List<Span> received = new CopyOnWriteArrayList<>();
    private final List<String> resources = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        receiver = receiverVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            try {
                ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
                export.getResourceSpansList().forEach(rs -> {
                    rs.getResource().getAttributesList().forEach(a -> resources.add(a.getKey() + "=" + a.getValue().getStringValue()));
                    rs.getScopeSpansList().forEach(ss -> received.addAll(ss.getSpansList()));
                });
                request.response().putHeader("Content-Type", "application/x-protobuf").end();
            } catch (Exception e) {
                request.response().setStatusCode(400).end();
            }
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        h = new ServerHarness(dir, Map.of("SB_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort() + "/v1/traces"));
    }

    @AfterEach
    void stop() {
        h.close();
        receiverVertx.close().await();
    }

    @Test
    void executionsAndAttemptsArriveAsParentAndChildSpans() {
        h.post("/api/v1/scenarios", json("""
                {"id": "traced", "nodes": [
                  {"id": "flaky", "integrationId": "core", "actionId": "fail",
                   "configuration": {"errorType": "network_error", "message": "down", "failTimes": 1},
                   "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "flaky", "toNodeId": "after"}]}"""));
        JsonNode result = h.call(HttpMethod.POST, "/api/v1/scenarios/traced/executions?wait=true", json("{}"), ADMIN_KEY,
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).body();
        assertThat(result.get("status").asText()).isEqualTo("completed");

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 4);
        assertThat(received).hasSize(4).allSatisfy(span ->
                assertThat(hex(span.getTraceId().toByteArray())).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
        Span execution = received.stream().filter(s -> s.getName().equals("execution traced")).findFirst().orElseThrow();
        assertThat(hex(execution.getParentSpanId().toByteArray())).as("under the caller's span").isEqualTo("00f067aa0ba902b7");
        assertThat(attribute(execution, "sb.execution.id")).isEqualTo(result.get("id").asText());
        assertThat(attribute(execution, "sb.status")).isEqualTo("completed");
        List<Span> attempts = received.stream().filter(s -> s != execution).toList();
        assertThat(attempts).allSatisfy(span -> {
            assertThat(span.getParentSpanId()).isEqualTo(execution.getSpanId());
            assertThat(span.getEndTimeUnixNano()).isGreaterThanOrEqualTo(span.getStartTimeUnixNano());
            assertThat(span.getStartTimeUnixNano()).isGreaterThanOrEqualTo(execution.getStartTimeUnixNano());
            assertThat(attribute(span, "sb.integration.id")).isEqualTo("core");
        });
        Span failed = attempts.stream().filter(s -> attribute(s, "sb.attempt").equals("1") && attribute(s, "sb.node.id").equals("flaky"))
                .findFirst().orElseThrow();
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(attribute(failed, "error.type")).isEqualTo("network_error");
        assertThat(attribute(failed, "sb.action.id")).isEqualTo("fail");
        Span retried = attempts.stream().filter(s -> attribute(s, "sb.attempt").equals("2")).findFirst().orElseThrow();
        assertThat(hex(retried.getSpanId().toByteArray()))
                .as("the same span id as the execution result's attempt").isEqualTo(result.at("/nodes/0/attemptHistory/1/spanId").asText());
        assertThat(retried.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(resources).contains("service.name=scenario-builder");
    }

    private static String attribute(Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().hasIntValue() ? String.valueOf(kv.getValue().getIntValue()) : kv.getValue().getStringValue();
            }
        }
        return "";
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
