package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shutdown leaves unfinished executions in the store, and the next start finishes them. */
class ShutdownTest {

    @TempDir
    Path dir;

    @Test
    void anExecutionCutOffByAShutdownFinishesAfterTheNextStart() throws Exception {
        try (ServerHarness h = new ServerHarness(dir, Map.of("SB_SHUTDOWN_GRACE_MS", "100"))) {
            h.post("/api/v1/scenarios", json("""
                    {"id": "long", "nodes": [
                      {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 1500}},
                      {"id": "after", "integrationId": "core", "actionId": "set", "configuration": {"values": {"done": true}}}
                    ], "connections": [{"fromNodeId": "wait", "toNodeId": "after"}]}"""));
            String id = h.post("/api/v1/scenarios/long/executions", json("{}")).body().get("executionId").asText();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    "running".equals(h.get("/api/v1/executions/" + id).body().at("/nodes/0/status").asText()));
            h.stop(); // the delay is cut off after the 100 ms grace period

            h.start();
            assertThat(h.server.resumedExecutions()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "completed".equals(h.get("/api/v1/executions/" + id).body().path("status").asText()));
            assertThat(h.get("/api/v1/executions/" + id).body().at("/context/after/done").asBoolean()).isTrue();
        }
    }
}
