package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private ClusterProcesses cluster;
    private Witness witness;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (witness != null) {
            witness.close();
        }
    }

    @Test
    void theExecutionsOfAKilledServerAreFinishedByAnotherWithinTheLeaseAndNoCompletedNodeRunsAgain() throws Exception {
        cluster = new ClusterProcesses(dir, LEASE_MS);
        witness = new Witness();
        ServerProcess a = cluster.server("a");
        ServerProcess b = cluster.server("b");
        HttpResponse<String> saved = a.send(a.api("/api/v1/scenarios").POST(HttpRequest.BodyPublishers.ofString("""
                {"id": "failover", "trigger": {"type": "webhook", "path": "failover"}, "nodes": [
                  {"id": "first", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/first?e={{ execution.id }}"}},
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": %2$d}},
                  {"id": "call", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%1$d/call?e={{ execution.id }}"}}
                ], "connections": [{"fromNodeId": "first", "toNodeId": "wait"}, {"fromNodeId": "wait", "toNodeId": "call"}]}"""
                .formatted(witness.port(), WAIT_MS))).build());
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
            assertThat(witness.calls("/first?e=" + id)).as("the first node of %s ran once, before the kill", id).hasSize(1);
            long callEnd = java.time.Instant.parse(node(execution, "call").get("endTime").asText()).toEpochMilli();
            List<Long> arrived = witness.calls("/call?e=" + id);
            assertThat(arrived).as("execution %s called after its wait", id).isNotEmpty()
                    .allSatisfy(at -> assertThat(at).as("no call after its node was stored completed").isLessThanOrEqualTo(callEnd));
            // When B took it over: its log's line saying so, stamped as B resumed it.
            HttpResponse<String> logs = b.send(b.api("/api/v1/executions/" + id + "/logs").build());
            for (JsonNode line : JSON.readTree(logs.body()).get("items")) {
                if (line.get("message").asText().startsWith("execution resumed")) {
                    firstResumed = Math.min(firstResumed, java.time.Instant.parse(line.get("timestamp").asText()).toEpochMilli());
                }
            }
        }
        long failoverMs = firstResumed - killedAt;
        System.out.printf("cluster failover: %d executions resumed by b; the first %d ms after the SIGKILL (lease %d ms)%n",
                EXECUTIONS, failoverMs, LEASE_MS);
        assertThat(failoverMs).as("the first execution resumed within the lease plus 1 s of the kill").isLessThan(LEASE_MS + 1_000);
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

    /**
     * The cluster takes a server for stopped (its heartbeat row gone, as when it was cut off past the lease and another
     * took its executions): that server must not run beside the one that took over. It stops itself at its next heartbeat
     * and exits with 3, saying why.
     */
    @Test
    void aServerTheClusterTookForStoppedStopsItselfAndSaysWhy() throws Exception {
        cluster = new ClusterProcesses(dir, LEASE_MS);
        ServerProcess a = cluster.server("a");
        try (var connection = cluster.database(); var st = connection.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM instances")).isEqualTo(1);
        }
        assertThat(a.exitCode(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(a.log()).contains("error: the server stopped itself: this server (")
                .contains("was taken for stopped by the cluster");
    }

    /** Uploads the catalog plugin to {@code server}, as an admin does. */
    private static void uploadCatalog(ServerProcess server) throws Exception {
        HttpResponse<String> uploaded = server.send(server.api("/api/v1/plugins").header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("target/upload-plugins/sb-plugin-catalog.jar"))).build());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    }

    /** Scale-out: a server that joins after a plugin was uploaded to the cluster installs it as it starts, and runs it. */
    @Test
    void aServerThatJoinsLaterInstallsThePluginsTheClusterHas() throws Exception {
        cluster = new ClusterProcesses(dir, LEASE_MS);
        ServerProcess a = cluster.server("a");
        uploadCatalog(a);

        ServerProcess b = cluster.server("b");

        HttpResponse<String> plugins = b.send(b.api("/api/v1/plugins").GET().build());
        assertThat(JSON.readTree(plugins.body()).findValuesAsText("id")).contains("catalog");
        HttpResponse<String> integration = b.send(b.api("/api/v1/integrations/catalog").GET().build());
        assertThat(integration.statusCode()).as(integration.body()).isEqualTo(200);
    }

    /**
     * A server configured to run signed plugins only joins a cluster that shares an unsigned one: it starts without it,
     * and says why, rather than refusing to start or running what it was told not to trust.
     */
    @Test
    void aServerThatDoesNotTrustAPluginTheClusterSharesStartsWithoutItSayingWhy() throws Exception {
        cluster = new ClusterProcesses(dir, LEASE_MS);
        ServerProcess a = cluster.server("a");
        uploadCatalog(a);
        Path truststore = dir.resolve("trusted.p12");
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (var out = java.nio.file.Files.newOutputStream(truststore)) {
            empty.store(out, "changeit".toCharArray());
        }

        ServerProcess strict = cluster.server("strict", java.util.Map.of("SB_PLUGIN_TRUST", "signed",
                "SB_PLUGIN_TRUSTSTORE", truststore.toString(), "SB_PLUGIN_TRUSTSTORE_PASSWORD", "changeit"));

        assertThat(strict.log()).contains("cannot install plugin catalog shared by the cluster");
        HttpResponse<String> integration = strict.send(strict.api("/api/v1/integrations/catalog").GET().build());
        assertThat(integration.statusCode()).isEqualTo(404);
    }
}
