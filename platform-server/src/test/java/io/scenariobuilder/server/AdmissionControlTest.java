package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst past the server's limit is refused with 429 before anything is stored; what runs goes on. */
class AdmissionControlTest {

    @TempDir
    Path dir;

    @Test
    void pastTheActiveLimitStartsGet429UntilRoomIsMade() throws Exception {
        try (ServerHarness h = new ServerHarness(dir, Map.of("SB_MAX_ACTIVE_EXECUTIONS", "3", "SB_SHUTDOWN_GRACE_MS", "100"))) {
            assertThat(h.post("/api/v1/scenarios", json("""
                    {"id": "slow", "trigger": {"type": "webhook", "path": "slow"},
                     "nodes": [{"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 60000}}]}""")).status())
                    .isEqualTo(201);
            List<String> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Response accepted = h.post("/api/v1/scenarios/slow/executions", json("{}"));
                assertThat(accepted.status()).isEqualTo(202);
                running.add(accepted.body().get("executionId").asText());
            }
            Response refused = h.post("/api/v1/scenarios/slow/executions", json("{}"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.error()).isEqualTo("rate_limited");
            assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
            assertThat(refused.body().at("/error/message").asText()).contains("SB_MAX_ACTIVE_EXECUTIONS");
            assertThat(h.call(HttpMethod.POST, "/hooks/slow", "{}", null).status()).isEqualTo(429);
            assertThat(h.get("/api/v1/executions?scenarioId=slow").body().get("items")).as("nothing refused was stored").hasSize(3);

            running.forEach(id -> assertThat(h.post("/api/v1/executions/" + id + "/cancel", null).status()).isEqualTo(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> h.post("/api/v1/scenarios/slow/executions", json("{}")).status() == 202);
        }
    }
}
