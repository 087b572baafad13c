package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst past the server's limit is refused with 429 before anything is stored; what runs goes on. While the store
 * cannot commit, starts are refused with 503 and the readiness check says why; nothing waiting fails.
 */
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

    @Test
    void waitingCallersAreRefusedLikeTheRest() throws Exception {
        try (ServerHarness h = new ServerHarness(dir, Map.of("SB_MAX_ACTIVE_EXECUTIONS", "1", "SB_SHUTDOWN_GRACE_MS", "100"))) {
            assertThat(h.post("/api/v1/scenarios", json("""
                    {"id": "slow", "nodes": [{"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 60000}}]}""")).status())
                    .isEqualTo(201);
            assertThat(h.post("/api/v1/scenarios/slow/executions", json("{}")).status()).isEqualTo(202);
            Response refused = h.post("/api/v1/scenarios/slow/executions?wait=true&timeoutMs=30000", json("{}"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
        }
    }

    @Test
    void whileTheStoreCannotCommitStartsGet503AndReadinessSaysWhyThenAllGoesOn() throws Exception {
        System.setProperty("sb.store.busyTimeoutMs", "100");
        try (ServerHarness h = new ServerHarness(dir, Map.of("SB_SHUTDOWN_GRACE_MS", "100"))) {
            assertThat(h.post("/api/v1/scenarios", json("""
                    {"id": "quick", "nodes": [{"id": "n", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
            CompletableFuture<Response> held;
            // Another process holds the database's write lock past the busy timeout (a backup tool, the sqlite3 shell).
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/scenario-builder.db"));
                    Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                held = CompletableFuture.supplyAsync(() -> h.post("/api/v1/scenarios/quick/executions", json("{}")));
                await().atMost(Duration.ofSeconds(20)).until(() -> h.get("/health/ready").status() == 503);
                assertThat(h.get("/health/ready").body().get("status").asText()).contains("SQLITE_BUSY");

                Response refused = h.post("/api/v1/scenarios/quick/executions", json("{}"));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.error()).isEqualTo("store_unavailable");
                assertThat(Integer.parseInt(refused.headers().get("Retry-After"))).isBetween(1, 30);
                assertThat(h.call(HttpMethod.POST, "/hooks/none", "{}", null).status()).as("an unknown hook is still 404").isEqualTo(404);
                // Saving a scenario cannot commit either: the same answer, and the scenario is not half-saved.
                Response save = h.post("/api/v1/scenarios", json("""
                        {"id": "later", "nodes": [{"id": "n", "integrationId": "core", "actionId": "noop"}]}"""));
                assertThat(save.status()).as(save.text()).isEqualTo(503);
                assertThat(save.error()).isEqualTo("store_unavailable");
                assertThat(save.headers().get("Retry-After")).isNotBlank();
                assertThat(held).as("the start accepted before the outage waits, it does not fail").isNotDone();
                st.execute("COMMIT");
            } finally {
                System.clearProperty("sb.store.busyTimeoutMs");
            }
            Response accepted = held.get(30, TimeUnit.SECONDS);
            assertThat(accepted.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> h.get("/health/ready").status() == 200);
            String id = accepted.body().get("executionId").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(h.get("/api/v1/executions/" + id).body().path("status").asText()));
            assertThat(h.post("/api/v1/scenarios/quick/executions", json("{}")).status()).isEqualTo(202);
            assertThat(h.get("/api/v1/scenarios/later").status()).isEqualTo(404);
        }
    }

    @Test
    void pastTheStoreQueueLimitStartsGet429AndWhatWaitsIsKept() throws Exception {
        System.setProperty("sb.store.busyTimeoutMs", "30000"); // the store waits for the lock rather than fail: writes pile up
        try (ServerHarness h = new ServerHarness(dir, Map.of("SB_MAX_STORE_QUEUE", "100", "SB_SHUTDOWN_GRACE_MS", "100"))) {
            assertThat(h.post("/api/v1/scenarios", json("""
                    {"id": "quick", "nodes": [{"id": "n", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
            // The harness's client keeps 64 connections; these starts come from many more, as a burst of webhooks does.
            java.net.http.HttpClient burst = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            java.net.http.HttpRequest start = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + h.server.port() + "/api/v1/scenarios/quick/executions"))
                    .header("Authorization", "Bearer " + ServerHarness.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build();
            List<CompletableFuture<java.net.http.HttpResponse<String>>> waiting = new ArrayList<>();
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/scenario-builder.db"));
                    Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE"); // a slow disk, a backup holding the database: the store cannot commit for a while
                for (int i = 0; i < 150; i++) {
                    waiting.add(burst.sendAsync(start, java.net.http.HttpResponse.BodyHandlers.ofString()));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> queueDepth(h) >= 100);
                Response refused = h.post("/api/v1/scenarios/quick/executions", json("{}"));
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.error()).isEqualTo("rate_limited");
                assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
                assertThat(refused.body().at("/error/message").asText()).matches(
                        "the store has \\d+ writes waiting, its limit \\(SB_MAX_STORE_QUEUE\\); try again shortly");
                st.execute("COMMIT");
            } finally {
                System.clearProperty("sb.store.busyTimeoutMs");
            }
            // Every start answered: accepted (and then stored and run), or refused like the one above; none failed.
            List<Integer> answers = waiting.stream().map(answer -> answer.orTimeout(60, TimeUnit.SECONDS).join().statusCode()).toList();
            assertThat(answers).allSatisfy(status -> assertThat(status).isIn(202, 429));
            long accepted = answers.stream().filter(status -> status == 202).count();
            assertThat(accepted).isGreaterThanOrEqualTo(100);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/executions?scenarioId=quick&status=completed&limit=500")
                    .body().get("items").size() == accepted);
        }
    }

    private static long queueDepth(ServerHarness h) {
        return h.get("/metrics").text().lines().filter(line -> line.startsWith("sb_store_queue_depth "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
