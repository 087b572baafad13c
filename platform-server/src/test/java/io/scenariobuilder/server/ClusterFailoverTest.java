package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL ({@code SB_CLUSTER=on}): one is killed (SIGKILL) while its executions wait in a node;
 * the other claims them once the lease has passed and runs them to the end. A node that completed before the kill never
 * runs again; the node cut off runs again, never after it was stored completed. A witness HTTP server sees every call.
 */
class ClusterFailoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXECUTIONS = 60;
    private static final long LEASE_MS = 3_000;
    private static final long WAIT_MS = 4_000;

    @TempDir
    Path dir;

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private final List<ServerProcess> servers = new ArrayList<>();
    private HttpServer witness;

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
        if (witness != null) {
            witness.stop(0);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private ServerProcess server(String name, Map<String, String> database) throws Exception {
        Map<String, String> settings = new HashMap<>(database);
        settings.put("SB_CLUSTER", "on");
        settings.put("SB_CLUSTER_LEASE_MS", String.valueOf(LEASE_MS));
        settings.put("SB_INSTANCE_NAME", name);
        // Every server of a cluster has the same master key: the stored credentials are encrypted with it.
        settings.put("SB_MASTER_KEY", "MxrKV/XAnMMb2JX8zwH64mMtjAR/VmbLdXO1l4GVxbw=");
        ServerProcess server = new ServerProcess(Files.createDirectories(dir.resolve(name)), Files.createDirectories(dir.resolve(name + "-data")),
                List.of("-Xmx256m"), settings, "sb-plugin-http").start();
        servers.add(server);
        return server;
    }

    @Test
    void theExecutionsOfAKilledServerAreFinishedByAnotherWithinTheLeaseAndNoCompletedNodeRunsAgain() throws Exception {
        postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(dir.resolve("pg-work").toFile()).setDataDirectory(dir.resolve("pg-data")).start();
        Map<String, String> database = Map.of("SB_DB_URL", postgres.getJdbcUrl("postgres", "postgres"), "SB_DB_USER", "postgres",
                "SB_DB_PASSWORD", "postgres");

        // The witness: each call of the two http nodes, with the time it arrived.
        Map<String, List<Long>> calls = new ConcurrentHashMap<>();
        witness = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        witness.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getPath() + "?" + exchange.getRequestURI().getQuery();
            calls.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(System.currentTimeMillis());
            byte[] body = "{\"ok\": true}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        witness.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        witness.start();

        ServerProcess a = server("a", database);
        ServerProcess b = server("b", database);
        HttpResponse<String> saved = a.send(a.api("/api/v1/scenarios").POST(HttpRequest.BodyPublishers.ofString("""
                {"id": "failover", "trigger": {"type": "webhook", "path": "failover"}, "nodes": [
                  {"id": "first", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/first?e={{ execution.id }}"}},
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": %2$d}},
                  {"id": "call", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/call?e={{ execution.id }}"}}
                ], "connections": [{"fromNodeId": "first", "toNodeId": "wait"}, {"fromNodeId": "wait", "toNodeId": "call"}]}"""
                .formatted(witness.getAddress().getPort(), WAIT_MS))).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);

        List<String> started = new ArrayList<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            HttpResponse<String> answer = a.client.send(HttpRequest.newBuilder(URI.create(a.base + "/hooks/failover"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + i + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            started.add(JSON.readTree(answer.body()).get("executionId").asText());
        }
        // Every one is in its wait, its first node stored completed: then A is killed.
        await().atMost(Duration.ofSeconds(30)).until(() -> started.stream().allMatch(id -> "completed".equals(nodeStatus(b, id, "first"))));
        assertThat(started.stream().filter(id -> !"running".equals(nodeStatus(b, id, "wait"))).toList())
                .as("still waiting when A is killed").isEmpty();
        a.kill();
        long killedAt = System.currentTimeMillis();

        // B claims them after the lease and runs them to the end.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> started.stream().allMatch(id -> "completed".equals(status(b, id))));
        long firstResumed = Long.MAX_VALUE;
        for (String id : started) {
            JsonNode execution = execution(b, id);
            assertThat(calls.get("/first?e=" + id)).as("the first node of %s ran once, before the kill", id).hasSize(1);
            long callEnd = java.time.Instant.parse(node(execution, "call").get("endTime").asText()).toEpochMilli();
            List<Long> arrived = calls.getOrDefault("/call?e=" + id, List.of());
            assertThat(arrived).as("execution %s called after its wait", id).isNotEmpty()
                    .allSatisfy(at -> assertThat(at).as("no call after its node was stored completed").isLessThanOrEqualTo(callEnd));
            // The wait resumed on B ends at its time, measured from its first start, so by the end of the lease at once:
            // the first call after the kill is the first resumed node's work.
            for (long at : arrived) {
                if (at > killedAt) {
                    firstResumed = Math.min(firstResumed, at);
                }
            }
        }
        long failoverMs = firstResumed - killedAt;
        System.out.printf("cluster failover: %d executions resumed by b; first resumed node %d ms after the SIGKILL (lease %d ms)%n",
                EXECUTIONS, failoverMs, LEASE_MS);
        assertThat(failoverMs).as("the first resumed node starts within the lease plus 1 s of the kill").isLessThan(LEASE_MS + 1_000);
    }

    private static JsonNode execution(ServerProcess server, String id) {
        try {
            HttpResponse<String> answer = server.send(server.api("/api/v1/executions/" + id).build());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String status(ServerProcess server, String id) {
        return execution(server, id).get("status").asText();
    }

    private static String nodeStatus(ServerProcess server, String id, String nodeId) {
        JsonNode execution = execution(server, id);
        for (JsonNode node : execution.get("nodes")) {
            if (node.get("nodeId").asText().equals(nodeId)) {
                return node.get("status").asText();
            }
        }
        return "pending";
    }

    private static JsonNode node(JsonNode execution, String id) {
        for (JsonNode node : execution.get("nodes")) {
            if (node.get("nodeId").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no node " + id + " in " + execution);
    }
}
