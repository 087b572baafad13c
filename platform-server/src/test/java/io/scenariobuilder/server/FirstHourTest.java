package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer trips over in the first hour (issue 17), each as the user met it, over real HTTP. */
class FirstHourTest {

    @TempDir
    Path dir;

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "s", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
        assertThat(h.post("/api/v1/scenarios/s/executions?wait=true", ServerHarness.json("{}")).body().get("status").asText())
                .isEqualTo("completed");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aUserWhoFiltersExecutionsByStatusInCapitalsGetsThemAndAWrongStatusListsTheRightOnes() {
        Response upper = h.get("/api/v1/executions?status=COMPLETED");
        assertThat(upper.status()).as(upper.text()).isEqualTo(200);
        assertThat(upper.body().get("items")).hasSize(1);
        Response wrong = h.get("/api/v1/executions?status=done");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().at("/error/message").asText())
                .isEqualTo("unknown status 'done': one of queued, running, paused, completed, failed, cancelled, incomplete");
    }

    @Test
    void aUserWhoMisspellsAQueryParameterIsToldWhichOnesTheRouteTakes() {
        Response misspelled = h.get("/api/v1/executions?scenario=s");
        assertThat(misspelled.status()).isEqualTo(400);
        assertThat(misspelled.body().at("/error/message").asText())
                .isEqualTo("unknown query parameter 'scenario': this route takes cursor, limit, scenarioId, status");
        assertThat(h.get("/api/v1/executions?scenarioId=s").body().get("items")).hasSize(1);
        assertThat(h.get("/api/v1/scenarios?limt=5").body().at("/error/message").asText())
                .isEqualTo("unknown query parameter 'limt': this route takes cursor, limit");
    }
}
