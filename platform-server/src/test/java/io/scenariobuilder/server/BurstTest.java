package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    private ServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fiftyThousandWebhooksAtA192MbServerAreAllAnsweredAndEveryAcceptedOneCompletes() throws Exception {
        server = new ServerProcess(dir, dir.resolve("data"), List.of("-Xmx192m", "-XX:+ExitOnOutOfMemoryError"), Map.of()).start();
        HttpClient client = server.client;
        String base = server.base;
        HttpResponse<String> saved = server.send(server.api("/api/v1/scenarios").POST(HttpRequest.BodyPublishers.ofString("""
                {"id": "burst", "trigger": {"type": "webhook", "path": "burst"}, "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"order": "{{ trigger.body.n }}"}}},
                  {"id": "b", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 3000}},
                  {"id": "c", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""")).build());
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
                server.alive() ? "runs" : "exited: " + server.log()).isZero();
        assertThat(statuses.keySet()).as("every answer is 202 or 429").isSubsetOf(202, 429);
        int accepted = statuses.getOrDefault(202, new AtomicInteger()).get();
        assertThat(accepted).as("accepted").isPositive();
        assertThat(statuses.getOrDefault(429, new AtomicInteger()).get()).as("refused past the limit").isPositive();
        // Every accepted execution completes: none left running, and as many completed as were accepted.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                count(server, "queued") == 0 && count(server, "running") == 0);
        assertThat(countAll(server, "completed")).isEqualTo(accepted);
        assertThat(countAll(server, "failed")).isZero();
        assertThat(server.alive()).as("the server is still up").isTrue();
        assertThat(server.log()).doesNotContain("OutOfMemoryError");
    }

    static int count(ServerProcess server, String status) throws Exception {
        HttpResponse<String> page = server.send(server.api("/api/v1/executions?limit=1&status=" + status).build());
        return JSON.readTree(page.body()).get("items").size();
    }

    static int countAll(ServerProcess server, String status) throws Exception {
        int total = 0;
        String cursor = null;
        do {
            HttpResponse<String> page = server.send(server.api("/api/v1/executions?limit=500&status=" + status
                    + (cursor == null ? "" : "&cursor=" + cursor)).build());
            JsonNode body = JSON.readTree(page.body());
            total += body.get("items").size();
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
        } while (cursor != null);
        return total;
    }
}
