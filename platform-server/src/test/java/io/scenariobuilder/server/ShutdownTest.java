package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shutdown leaves unfinished executions in the store, and the next start finishes them; a start that fails
 * leaves nothing running.
 */
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

    @Test
    void aStartWhoseStoreCannotOpenNamesTheDatabaseAndLeavesNoVertxRunning() {
        // Nothing listens on port 1: the store cannot open, while Vert.x started beside it.
        ServerConfig config = ServerConfig.load(null, Map.of("SB_DATA_DIR", dir.resolve("data").toString(),
                "SB_PLUGINS_DIR", dir.resolve("plugins").toString(), "SB_PORT", "0", "SB_IMPORT_EXAMPLES", "false",
                "SB_DB_URL", "jdbc:postgresql://127.0.0.1:1/none", "SB_ADMIN_KEY", "sb_test_admin_key_0123456789abcdef"));

        assertThatThrownBy(() -> ScenarioBuilderServer.start(config, List.of(), null))
                .hasMessageContaining("127.0.0.1:1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().startsWith("vertx-blocked-thread-checker")));
    }
}
