package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.server.ServerHarness.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller who waits for a result, and the numbers a caller may get wrong: how long to wait, how many, which cron. */
class WaitingAndLimitsTest {

    @TempDir
    Path dir;

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "slow", "nodes": [{"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 1500}}]}""")).status())
                .isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aCallerWhoStopsWaitingEarlyIsToldItRunsAndWhereToLook() {
        Response early = h.post("/api/v1/scenarios/slow/executions?wait=true&timeoutMs=100", ServerHarness.json("{}"));
        assertThat(early.status()).as(early.text()).isEqualTo(202);
        assertThat(early.body().get("status").asText()).isEqualTo("running");
        String id = early.body().get("executionId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/v1/executions/" + id).body().get("status").asText().equals("completed"));
    }

    @Test
    void aWrongWaitOrLimitIsRefusedNamingTheValue() {
        Response words = h.post("/api/v1/scenarios/slow/executions?wait=true&timeoutMs=soon", ServerHarness.json("{}"));
        assertThat(words.status()).isEqualTo(400);
        assertThat(words.body().at("/error/message").asText()).isEqualTo("timeoutMs must be a whole number, got 'soon'");
        Response zero = h.post("/api/v1/scenarios/slow/executions?wait=true&timeoutMs=0", ServerHarness.json("{}"));
        assertThat(zero.body().at("/error/message").asText()).isEqualTo("timeoutMs must be positive, got 0");
        Response limit = h.get("/api/v1/executions?limit=ten");
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.body().at("/error/message").asText()).isEqualTo("limit must be a whole number, got 'ten'");
    }

    @Test
    void aCronWithTheWrongNumberOfFieldsIsRefusedSayingHowManyItNeeds() {
        Response four = h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "tick", "trigger": {"type": "schedule", "cron": "0 9 * *"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        assertThat(four.status()).isEqualTo(400);
        assertThat(four.text()).contains("a cron expression has 5 fields (minute hour day month weekday) or 6 with seconds first; "
                + "'0 9 * *' has 4");
        Response preview = h.get("/api/v1/schedules/next?cron=" + URLEncoder.encode("61 * * * *", StandardCharsets.UTF_8));
        assertThat(preview.status()).isEqualTo(400);
        assertThat(preview.body().at("/error/message").asText()).startsWith("invalid cron expression '61 * * * *': ");
    }
}
