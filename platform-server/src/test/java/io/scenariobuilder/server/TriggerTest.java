package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Webhooks (signatures, methods, load) and schedules (ticks, catch-up after downtime). */
class TriggerTest extends ServerTestBase {

    /** An X-Signature value as a sender makes it: {@code t=<now>,v1=<HMAC of "t.body">}. */
    static String sign(String secret, String body) {
        long now = java.time.Instant.now().getEpochSecond();
        return "t=" + now + ",v1=" + io.scenariobuilder.server.http.WebhookRoutes.sign(secret, now, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWebhookRunsItsScenarioWithTheRequestAsTriggerData() {
        h.post("/api/v1/scenarios", json("""
                {"id": "orders", "trigger": {"type": "webhook", "path": "orders/new", "method": "POST"}, "nodes": [
                  {"id": "pick", "integrationId": "core", "actionId": "transform",
                   "configuration": {"expression": "{'id': input.body.id, 'q': input.query.src, 'm': input.method, 'h': input.headers.`x-shop`}"}}]}"""));
        Response accepted = h.call(HttpMethod.POST, "/hooks/orders/new?src=shop", json("{\"id\": 7}"), null);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("executionId").asText()).isNotBlank();

        Response waited = h.call(HttpMethod.POST, "/hooks/orders/new?src=shop&wait=true", json("{\"id\": 8}"), null,
                Map.of("X-Shop", "north"));
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body()).isEqualTo(json("{\"id\": 8, \"q\": \"shop\", \"m\": \"POST\", \"h\": \"north\"}"));

        Response wrongMethod = h.call(HttpMethod.GET, "/hooks/orders/new", null, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(h.call(HttpMethod.POST, "/hooks/nobody", json("{}"), null).status()).isEqualTo(404);
        Response malformed = h.call(HttpMethod.POST, "/hooks/orders/new", "{\"id\": ", null);
        assertThat(malformed.error()).isEqualTo("invalid_json");
        // A second scenario cannot take the same path.
        Response clash = h.post("/api/v1/scenarios", json("""
                {"id": "copy", "trigger": {"type": "webhook", "path": "orders/new"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.body().at("/error/message").asText()).contains("'orders'");
    }

    @Test
    void aWebhookWithASecretNeedsTheBodysSignature() throws Exception {
        h.post("/api/v1/scenarios", json("""
                {"id": "signed", "trigger": {"type": "webhook", "path": "signed", "secret": "hush"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        String body = "{\"amount\": 12}";
        Response unsigned = h.call(HttpMethod.POST, "/hooks/signed", body, null);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.error()).isEqualTo("unauthorized");
        assertThat(h.call(HttpMethod.POST, "/hooks/signed", body, null, Map.of("X-Signature", sign("wrong", body))).status())
                .isEqualTo(401);
        assertThat(h.call(HttpMethod.POST, "/hooks/signed", body, null, Map.of("X-Signature", sign("hush", body + " "))).status())
                .isEqualTo(401);
        assertThat(h.call(HttpMethod.POST, "/hooks/signed", body, null, Map.of("X-Signature", sign("hush", body))).status())
                .isEqualTo(202);
        // The secret never comes back.
        assertThat(h.get("/api/v1/executions").text()).doesNotContain("hush");
    }

    @Test
    void twoHundredConcurrentWebhookCallsMakeTwoHundredExecutionsNoneLostNoneDoubled() throws Exception {
        h.post("/api/v1/scenarios", json("""
                {"id": "load", "trigger": {"type": "webhook", "path": "load"}, "nodes": [
                  {"id": "echo", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.body.n"}}]}"""));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            int i = n;
            calls.add(CompletableFuture.supplyAsync(
                    () -> h.call(HttpMethod.POST, "/hooks/load?wait=true", json("{\"n\": " + i + "}"), null), pool));
        }
        Set<Integer> echoed = new HashSet<>();
        for (CompletableFuture<Response> call : calls) {
            Response response = call.join();
            assertThat(response.status()).isEqualTo(200);
            assertThat(echoed.add(response.body().asInt())).as("echoed once: " + response.body()).isTrue();
        }
        pool.shutdown();
        assertThat(echoed).hasSize(200);
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = h.get("/api/v1/executions?scenarioId=load&limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).body();
            page.get("items").forEach(item -> {
                assertThat(item.get("status").asText()).isEqualTo("completed");
                ids.add(item.get("id").asText());
            });
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(ids).hasSize(200);
    }

    @Test
    void aScheduleRunsOnItsCronOncePerTick() {
        h.post("/api/v1/scenarios", json("""
                {"id": "tick", "trigger": {"type": "schedule", "cron": "* * * * * *", "timezone": "Europe/Paris"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/v1/executions?scenarioId=tick").body().get("items").size() >= 3);
        Set<String> ticks = new HashSet<>();
        for (JsonNode item : h.get("/api/v1/executions?scenarioId=tick").body().get("items")) {
            JsonNode result = h.get("/api/v1/executions/" + item.get("id").asText()).body();
            String tick = result.at("/context/a/scheduledTime").asText();
            assertThat(ticks.add(tick)).as("tick " + tick + " ran once").isTrue();
            assertThat(result.at("/context/a/catchUp").asBoolean()).isFalse();
        }
        // Deleting the scenario stops its schedule.
        assertThat(h.delete("/api/v1/scenarios/tick").status()).isEqualTo(204);
        int after = h.get("/api/v1/executions?scenarioId=tick&limit=500").body().get("items").size();
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() ->
                h.get("/api/v1/executions?scenarioId=tick&limit=500").body().get("items").size() <= after + 1);
    }

    @Test
    void afterDowntimeMissedTicksRunOnceNotInBulk() throws Exception {
        h.post("/api/v1/scenarios", json("""
                {"id": "hourly", "trigger": {"type": "schedule", "cron": "0 * * * *"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        h.stop();
        // Pretend the last run was five hours ago: five hourly ticks were missed while "down".
        try (var store = new io.scenariobuilder.core.store.jdbc.JdbcExecutionStore(
                io.scenariobuilder.core.store.jdbc.StoreSettings.embedded(dir.resolve("data")))) {
            JdbcScheduleStore ticks = new JdbcScheduleStore(store.dataSource());
            ticks.forget("hourly");
            ticks.claim("hourly", Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS));
        }
        h.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/v1/executions?scenarioId=hourly").body().get("items").size() == 1);
        JsonNode run = h.get("/api/v1/executions/" + h.get("/api/v1/executions?scenarioId=hourly").body().at("/items/0/id").asText()).body();
        assertThat(run.at("/context/a/catchUp").asBoolean()).isTrue();
        assertThat(Instant.parse(run.at("/context/a/scheduledTime").asText()))
                .isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS));
        // A second restart does not run the same tick again.
        h.stop();
        h.start();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                h.get("/api/v1/executions?scenarioId=hourly").body().get("items").size() == 1);
    }

    @Test
    void theNextRunTimesOfACronExpressionArePreviewedAsTheSchedulerComputesThem() {
        Response next = h.get("/api/v1/schedules/next?cron=" + java.net.URLEncoder.encode("0 9 * * 1-5", java.nio.charset.StandardCharsets.UTF_8)
                + "&timezone=Europe/Paris");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body().get("timezone").asText()).isEqualTo("Europe/Paris");
        List<java.time.OffsetDateTime> times = new java.util.ArrayList<>();
        next.body().get("next").forEach(t -> times.add(java.time.OffsetDateTime.parse(t.asText())));
        assertThat(times).hasSize(3).isSorted();
        assertThat(times).allSatisfy(t -> {
            java.time.ZonedDateTime paris = t.atZoneSameInstant(java.time.ZoneId.of("Europe/Paris"));
            assertThat(paris.getHour()).isEqualTo(9);
            assertThat(paris.getMinute()).isZero();
            assertThat(paris.getDayOfWeek()).isNotIn(java.time.DayOfWeek.SATURDAY, java.time.DayOfWeek.SUNDAY);
        });
        assertThat(times.get(0)).isAfter(java.time.OffsetDateTime.now());

        Response five = h.get("/api/v1/schedules/next?cron=" + java.net.URLEncoder.encode("*/5 * * * *", java.nio.charset.StandardCharsets.UTF_8) + "&count=5");
        assertThat(five.body().get("next")).hasSize(5);
        assertThat(five.body().get("timezone").asText()).isEqualTo("UTC");

        Response bad = h.get("/api/v1/schedules/next?cron=" + java.net.URLEncoder.encode("every monday", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/error/message").asText()).contains("5 fields");
        assertThat(h.get("/api/v1/schedules/next?cron=*+*+*+*+*&timezone=Mars/Olympus").body().at("/error/message").asText())
                .contains("unknown time zone 'Mars/Olympus'");
        assertThat(h.get("/api/v1/schedules/next?cron=*+*+*+*+*&count=100").status()).isEqualTo(400);
        assertThat(h.get("/api/v1/schedules/next").body().at("/error/message").asText()).contains("cron is missing");
    }

    /** The scenario's plugin was removed: each tick says the run could not start, naming why, and starts nothing. */
    @Test
    void aScheduleWhoseScenarioCanNoLongerStartSaysSoAtEachTickAndStartsNothing() throws Exception {
        ch.qos.logback.classic.Logger scheduler = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.scenariobuilder.server.trigger.Scheduler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> said = new ch.qos.logback.core.read.ListAppender<>();
        said.start();
        scheduler.addAppender(said);
        try {
            assertThat(h.post("/api/v1/plugins", java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                    "target/upload-plugins/sb-plugin-catalog.jar"))).status()).isEqualTo(201);
            assertThat(h.post("/api/v1/scenarios", json("""
                    {"id": "picker", "trigger": {"type": "schedule", "cron": "* * * * * *"},
                     "nodes": [{"id": "a", "integrationId": "catalog", "actionId": "pick-item",
                                "configuration": {"category": "mice", "product": "ms-ergo", "variant": "MS-ERG-L", "quantity": 1}}]}""")).status())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/v1/executions?scenarioId=picker").body().get("items").size() >= 1);

            Response removed = h.delete("/api/v1/plugins/catalog?force=true");
            assertThat(removed.status()).as(removed.text()).isIn(200, 204);
            await().atMost(Duration.ofSeconds(10)).until(() -> said.list.stream().anyMatch(e ->
                    e.getFormattedMessage().contains("scenario picker: the scheduled run for")
                            && e.getFormattedMessage().contains("could not start")));
            int after = h.get("/api/v1/executions?scenarioId=picker&limit=500").body().get("items").size();
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(() ->
                    h.get("/api/v1/executions?scenarioId=picker&limit=500").body().get("items").size() == after);
        } finally {
            scheduler.detachAppender(said);
        }
    }
}
