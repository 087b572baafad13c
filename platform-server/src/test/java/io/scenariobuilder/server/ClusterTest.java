package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers on one PostgreSQL ({@code SB_CLUSTER=on}), as issue 16 asks: a scenario saved on one is served by all
 * within a second; 300 executions started through webhooks spread over the three; one server killed (SIGKILL) in the
 * middle; every execution completes and no node runs after it was stored completed; a live-log client on a survivor
 * saw lines from all three; a pause sent to one server for an execution another runs works; a key revoked on one is
 * refused on another at once; a scenario and then its plugin deleted on one are gone from another; a plugin uploaded to one
 * runs on another.
 */
class ClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXECUTIONS = 300;

    @TempDir
    Path dir;

    private ClusterProcesses cluster;
    private Witness witness;
    private WebSocket socket;

    @AfterEach
    void stop() throws Exception {
        if (socket != null) {
            socket.abort();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (witness != null) {
            witness.close();
        }
    }

    private static HttpResponse<String> hook(ServerProcess server, String path, String body) throws Exception {
        return server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/hooks/" + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> call(ServerProcess server, String method, String path, String body) throws Exception {
        return server.send(server.api(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode execution(ServerProcess server, String id) {
        try {
            HttpResponse<String> answer = server.send(server.api("/api/v1/executions/" + id).build());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void threeServersShareTheWorkSurviveLosingOneAndSeeEachOthersChanges() throws Exception {
        cluster = new ClusterProcesses(dir, 3_000);
        witness = new Witness();
        ServerProcess a = cluster.server("a");
        ServerProcess b = cluster.server("b");
        ServerProcess c = cluster.server("c");

        // A live-log client on C, the server that survives.
        Set<String> seenOnC = ConcurrentHashMap.newKeySet();
        Map<String, Long> delays = new ConcurrentHashMap<>(); // execution -> ms from its line's time to C's client
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + c.port + "/api/v1/logs/stream?replay=0&token=" + ServerHarness.ADMIN_KEY),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    try {
                                        JsonNode line = JSON.readTree(text.toString());
                                        // The first node's line: written once, by the server that ran that node.
                                        if (line.path("message").asText().startsWith("hello from ")) {
                                            seenOnC.add(line.at("/context/executionId").asText());
                                            delays.put(line.at("/context/executionId").asText(), System.currentTimeMillis()
                                                    - java.time.Instant.parse(line.path("timestamp").asText()).toEpochMilli());
                                        }
                                    } catch (Exception ignored) {
                                        // not a line (a notice): nothing to count
                                    }
                                    text.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }
                        }).get();

        // A scenario saved on A is served by B and C within a second.
        int port = witness.port();
        long saving = System.nanoTime();
        HttpResponse<String> saved = call(a, "POST", "/api/v1/scenarios", """
                {"id": "spread", "trigger": {"type": "webhook", "path": "spread"}, "nodes": [
                  {"id": "hello", "integrationId": "core", "actionId": "log", "configuration": {"message": "hello from {{ execution.id }}"}},
                  {"id": "first", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/first?e={{ execution.id }}"}},
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 1500}},
                  {"id": "last", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/last?e={{ execution.id }}"}}
                ], "connections": [{"fromNodeId": "hello", "toNodeId": "first"}, {"fromNodeId": "first", "toNodeId": "wait"},
                  {"fromNodeId": "wait", "toNodeId": "last"}]}""".formatted(port));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertThat(call(a, "POST", "/api/v1/scenarios", """
                {"id": "long", "trigger": {"type": "webhook", "path": "long"}, "nodes": [
                  {"id": "hold", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 60000}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "hold", "toNodeId": "after"}]}""").statusCode()).isEqualTo(201);
        assertThat(call(a, "POST", "/api/v1/scenarios", """
                {"id": "ping", "trigger": {"type": "webhook", "path": "ping"}, "nodes": [
                  {"id": "n", "integrationId": "core", "actionId": "noop"}]}""").statusCode()).isEqualTo(201);
        for (ServerProcess other : List.of(b, c)) {
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> hook(other, "ping", "{}").statusCode() == 202);
        }
        System.out.printf("cluster: a scenario saved on a was served by b and c %d ms later%n", (System.nanoTime() - saving) / 1_000_000);

        // Pause, resume and cancel sent to A for an execution B runs.
        HttpResponse<String> held = hook(b, "long", "{}");
        assertThat(held.statusCode()).as(held.body()).isEqualTo(202);
        String heldId = JSON.readTree(held.body()).get("executionId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(execution(a, heldId).get("status").asText()));
        HttpResponse<String> paused = call(a, "POST", "/api/v1/executions/" + heldId + "/pause", null);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "paused".equals(execution(b, heldId).get("status").asText()));

        // 300 executions through the three servers' webhooks; B is killed half-way.
        List<ServerProcess> alive = new ArrayList<>(List.of(a, b, c));
        Map<String, String> startedOn = new ConcurrentHashMap<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            if (i == EXECUTIONS / 2) {
                b.kill();
                alive.remove(b);
            }
            ServerProcess to = alive.get(i % alive.size());
            HttpResponse<String> answer = hook(to, "spread", "{\"n\": " + i + "}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            startedOn.put(JSON.readTree(answer.body()).get("executionId").asText(), to == a ? "a" : to == b ? "b" : "c");
        }

        // Every one completes (B's on A or C), and no node ran after it was stored completed.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                startedOn.keySet().stream().allMatch(id -> "completed".equals(execution(c, id).get("status").asText())));
        for (String id : startedOn.keySet()) {
            JsonNode done = execution(c, id);
            for (String node : List.of("first", "last")) {
                long end = java.time.Instant.parse(nodeRecord(done, node).get("endTime").asText()).toEpochMilli();
                assertThat(witness.calls("/" + node + "?e=" + id)).as("%s of %s was called", node, id).isNotEmpty()
                        .allSatisfy(at -> assertThat(at).as("no call of %s after it was stored completed", node).isLessThanOrEqualTo(end));
            }
        }
        // The client on C saw lines written by each of the three: the first node of an execution runs on the server
        // that started it (B's before it was killed), and a completed node never runs again.
        for (String server : List.of("a", "b", "c")) {
            assertThat(startedOn.entrySet().stream().filter(e -> e.getValue().equals(server)).map(Map.Entry::getKey).filter(seenOnC::contains))
                    .as("lines written on %s seen on c", server).isNotEmpty();
        }

        for (String server : List.of("a", "c")) {
            List<Long> sorted = startedOn.entrySet().stream().filter(e -> e.getValue().equals(server)).map(e -> delays.get(e.getKey()))
                    .filter(java.util.Objects::nonNull).sorted().toList();
            System.out.printf("cluster: lines written on %s reached c's client after p50 %d ms, p99 %d ms (%d lines)%n", server,
                    sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.99)), sorted.size());
        }

        // The execution paused on B is still paused, now on A or C; A resumes and cancels it.
        await().atMost(Duration.ofSeconds(15)).until(() -> call(a, "POST", "/api/v1/executions/" + heldId + "/resume", null).statusCode() == 200);
        HttpResponse<String> cancelled = call(a, "POST", "/api/v1/executions/" + heldId + "/cancel", null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "cancelled".equals(execution(c, heldId).get("status").asText()));

        // A plugin uploaded to A runs on C.
        HttpResponse<String> uploaded = a.send(a.api("/api/v1/plugins").header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("target/upload-plugins/sb-plugin-catalog.jar"))).build());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(call(a, "POST", "/api/v1/scenarios", """
                {"id": "pick", "trigger": {"type": "webhook", "path": "pick"}, "nodes": [
                  {"id": "item", "integrationId": "catalog", "actionId": "pick-item",
                   "configuration": {"category": "mice", "product": "ms-ergo", "variant": "MS-ERG-L", "quantity": 2}}]}""").statusCode())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> hook(c, "pick?wait=true", "{}").statusCode() == 200);
        HttpResponse<String> picked = hook(c, "pick?wait=true", "{}");
        assertThat(picked.body()).contains("MS-ERG-L");

        // A key revoked on A is refused on C at once: C's cache of good keys is told to forget.
        HttpResponse<String> created = call(a, "POST", "/api/v1/keys", "{\"name\": \"temp\", \"role\": \"viewer\"}");
        JsonNode key = JSON.readTree(created.body());
        HttpRequest asViewerOnC = HttpRequest.newBuilder(URI.create(c.base + "/api/v1/scenarios"))
                .header("Authorization", "Bearer " + key.get("key").asText()).build();
        assertThat(c.send(asViewerOnC).statusCode()).isEqualTo(200);
        assertThat(call(a, "DELETE", "/api/v1/keys/" + key.get("id").asText(), null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(2)).until(() -> c.send(asViewerOnC).statusCode() == 401);

        // A scenario deleted on A stops answering on C; then its plugin, removed on A, is gone from C too.
        assertThat(call(a, "DELETE", "/api/v1/scenarios/pick", null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> hook(c, "pick", "{}").statusCode() == 404);
        HttpResponse<String> removed = call(a, "DELETE", "/api/v1/plugins/catalog", null);
        assertThat(removed.statusCode()).as(removed.body()).isIn(200, 202, 204);
        await().atMost(Duration.ofSeconds(15)).until(() -> !call(c, "GET", "/api/v1/plugins", null).body().contains("\"catalog\""));

        // The bus's database sessions killed (a database restart, a proxy timeout): a scenario saved on A meanwhile still
        // reaches C, which reads everything again once it listens again.
        try (var connection = cluster.database(); var st = connection.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'scenario-builder cluster bus'");
        }
        assertThat(call(a, "POST", "/api/v1/scenarios", """
                {"id": "late", "trigger": {"type": "webhook", "path": "late"}, "nodes": [
                  {"id": "n", "integrationId": "core", "actionId": "noop"}]}""").statusCode()).isEqualTo(201);
        assertThat(call(a, "DELETE", "/api/v1/scenarios/ping", null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(15)).until(() -> hook(c, "late", "{}").statusCode() == 202);
        await().atMost(Duration.ofSeconds(15)).until(() -> hook(c, "ping", "{}").statusCode() == 404);

        // Notifications the servers do not understand (garbage, or a kind a newer version sends during a rolling upgrade)
        // are ignored: the cluster goes on.
        try (var connection = cluster.database(); var st = connection.createStatement()) {
            st.execute("SELECT pg_notify('sb_live', 'not json'), pg_notify('sb_changes', 'no colon'), "
                    + "pg_notify('sb_changes', 'gadget:7'), pg_notify('sb_commands', 'nobody')");
        }

        // A connection saved on A is usable on C at once (C's cached options of it are dropped).
        assertThat(call(a, "POST", "/api/v1/connections", """
                {"id": "shared", "integrationId": "http", "credentials": {"authType": "none"}}""").statusCode()).isEqualTo(201);
        assertThat(call(c, "GET", "/api/v1/connections/shared", null).statusCode()).isEqualTo(200);
        assertThat(call(a, "POST", "/api/v1/scenarios", """
                {"id": "after-garbage", "trigger": {"type": "webhook", "path": "after-garbage"}, "nodes": [
                  {"id": "n", "integrationId": "core", "actionId": "noop"}]}""").statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> hook(c, "after-garbage", "{}").statusCode() == 202);

        // What a server could not send to the others' live streams is a metric (none here: far fewer lines waited than the
        // 50,000 that may).
        assertThat(call(c, "GET", "/metrics", null).body()).contains("\nsb_cluster_live_dropped_messages_total 0");
    }

    private static JsonNode nodeRecord(JsonNode execution, String id) {
        for (JsonNode node : execution.get("nodes")) {
            if (node.get("nodeId").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no node " + id + " in " + execution);
    }
}
