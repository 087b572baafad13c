package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.server.cli.ScenarioBuilderCli;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of 50,000 webhooks, sent as fast as one client can, at a server in its own process with a 192 MB heap: no
 * OutOfMemoryError, every request answered (202, or 429 past the admission limits), and every accepted execution
 * completes. Each execution waits 3 s in a node, so the active set reaches the default limit
 * ({@code SB_MAX_ACTIVE_EXECUTIONS}, 10,000) and the rest is refused, not queued without bound.
 */
class BurstTest {

    private static final int REQUESTS = 50_000;
    private static final int IN_FLIGHT = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void fiftyThousandWebhooksAtA192MbServerAreAllAnsweredAndEveryAcceptedOneCompletes() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx192m", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "-Dguice_custom_class_loading=CHILD", "-cp", System.getProperty("java.class.path"), ScenarioBuilderCli.class.getName(), "serve")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SB_PORT", String.valueOf(port));
        env.put("SB_DATA_DIR", dir.resolve("data").toString());
        env.put("SB_PLUGINS_DIR", dir.resolve("plugins").toString());
        env.put("SB_ADMIN_KEY", ServerHarness.ADMIN_KEY);
        env.put("SB_IMPORT_EXAMPLES", "false");
        env.put("SB_LOG_LEVEL", "warn");
        Files.createDirectories(dir.resolve("plugins"));
        Files.copy(ServerHarness.PLUGINS.resolve("sb-plugin-core.jar"), dir.resolve("plugins/sb-plugin-core.jar"));
        server = builder.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
        HttpResponse<String> saved = client.send(api(base + "/api/v1/scenarios").POST(HttpRequest.BodyPublishers.ofString("""
                {"id": "burst", "trigger": {"type": "webhook", "path": "burst"}, "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"order": "{{ trigger.body.n }}"}}},
                  {"id": "b", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 3000}},
                  {"id": "c", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);

        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        long began = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            inFlight.acquire();
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/hooks/burst")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + i + "}")).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            if (failures.incrementAndGet() == 1) {
                                firstFailure.set(failure);
                            }
                        } else {
                            statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        System.out.printf("burst: %,d webhooks in %d s: %s, %d without an answer%n", REQUESTS, seconds, statuses, failures.get());

        assertThat(failures.get()).as("requests without an answer (the first: %s; the server %s)", firstFailure.get(),
                server.isAlive() ? "runs" : "exited: " + Files.readString(dir.resolve("server.log"))).isZero();
        assertThat(statuses.keySet()).as("every answer is 202 or 429").isSubsetOf(202, 429);
        int accepted = statuses.getOrDefault(202, new AtomicInteger()).get();
        assertThat(accepted).as("accepted").isPositive();
        assertThat(statuses.getOrDefault(429, new AtomicInteger()).get()).as("refused past the limit").isPositive();
        // Every accepted execution completes: none left running, and as many completed as were accepted.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                count(client, base, "queued") == 0 && count(client, base, "running") == 0);
        assertThat(countAll(client, base, "completed")).isEqualTo(accepted);
        assertThat(countAll(client, base, "failed")).isZero();
        assertThat(server.isAlive()).as("the server is still up").isTrue();
        assertThat(Files.readString(dir.resolve("server.log"))).doesNotContain("OutOfMemoryError");
    }

    private static HttpRequest.Builder api(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ServerHarness.ADMIN_KEY)
                .header("Content-Type", "application/json");
    }

    private static int count(HttpClient client, String base, String status) throws Exception {
        HttpResponse<String> page = client.send(api(base + "/api/v1/executions?limit=1&status=" + status).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(page.body()).get("items").size();
    }

    private static int countAll(HttpClient client, String base, String status) throws Exception {
        int total = 0;
        String cursor = null;
        do {
            HttpResponse<String> page = client.send(api(base + "/api/v1/executions?limit=500&status=" + status
                    + (cursor == null ? "" : "&cursor=" + cursor)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(page.body());
            total += body.get("items").size();
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
        } while (cursor != null);
        return total;
    }
}
