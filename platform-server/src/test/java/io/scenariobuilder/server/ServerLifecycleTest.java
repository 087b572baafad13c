package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees at start: the examples imported once, a failed start that leaves nothing locked, garbage refused. */
class ServerLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void theFirstStartImportsTheExampleScenariosOnceAndLeavesTriggerDataAndBrokenFilesOut() throws Exception {
        Path examples = Files.createDirectories(dir.resolve("examples"));
        Files.writeString(examples.resolve("hello.json"), """
                {"id": "hello", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""");
        Files.writeString(examples.resolve("order.json"), "{\"orderId\": 1042}"); // trigger data, not a scenario
        Files.writeString(examples.resolve("broken.json"), "{\"id\": \"broken\", \"nodes\": [");
        // Two files with one id: the second cannot be imported, and the files after it still are.
        Files.writeString(examples.resolve("a-copy-of-hello.json"), """
                {"id": "hello", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""");
        Files.writeString(examples.resolve("zebra.json"), """
                {"id": "zebra", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""");
        Map<String, String> settings = Map.of("SB_IMPORT_EXAMPLES", "true", "SB_EXAMPLES_DIR", examples.toString());
        ServerHarness h = new ServerHarness(dir, settings);
        try {
            JsonNode items = h.get("/api/v1/scenarios").body().get("items");
            assertThat(items).extracting(item -> item.get("id").asText()).containsExactlyInAnyOrder("hello", "zebra");
            assertThat(h.delete("/api/v1/scenarios/hello").status()).isEqualTo(204);
            assertThat(h.delete("/api/v1/scenarios/zebra").status()).isEqualTo(204);
            h.stop();
            h.start();
            assertThat(h.get("/api/v1/scenarios").body().get("items")).as("a deleted example stays deleted").isEmpty();
        } finally {
            h.close();
        }
    }

    @Test
    void aStartThatFailsLeavesTheDataFolderFreeForTheNextOne() throws Exception {
        new ServerHarness(dir, Map.of()).close(); // a data folder with its key file
        assertThatThrownBy(() -> new ServerHarness(dir, Map.of("SB_MASTER_KEY", "not base64 at all")))
                .hasMessageContaining("SB_MASTER_KEY");
        ServerHarness again = new ServerHarness(dir, Map.of());
        try {
            assertThat(again.get("/health/ready").status()).as("the lock was given back").isEqualTo(200);
        } finally {
            again.close();
        }
    }

    @Test
    void aRequestThatIsNotHttpGetsAJsonErrorAndTheConnectionClosed() throws Exception {
        ServerHarness h = new ServerHarness(dir, Map.of());
        try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the server closes
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"", "the request is not valid HTTP");
        } finally {
            h.close();
        }
    }

    @Test
    void aStartOnADamagedDatabaseOrWithATrustStoreThatIsNotOneNamesTheFileAndLeavesItAsItWas() throws Exception {
        Path truststore = Files.writeString(dir.resolve("trusted.p12"), "not a key store");
        assertThatThrownBy(() -> new ServerHarness(dir, Map.of("SB_PLUGIN_TRUST", "signed", "SB_PLUGIN_TRUSTSTORE", truststore.toString())))
                .hasMessageContaining("SB_PLUGIN_TRUSTSTORE " + truststore + " cannot be read as a PKCS#12 or JKS key store");

        Path database = Files.createDirectories(dir.resolve("data")).resolve("scenario-builder.db");
        Files.writeString(database, "these bytes are not a database ".repeat(100));
        assertThatThrownBy(() -> new ServerHarness(dir, Map.of())).hasMessageContaining(database.toString())
                .hasMessageContaining("not a database");
        assertThat(Files.readString(database)).startsWith("these bytes are not a database");
    }

    /** An install missing its examples folder or one of its built-in plugin folders (a partial copy) still starts. */
    @Test
    void anInstallMissingItsExamplesOrABuiltInPluginFolderStillStarts() throws Exception {
        io.scenariobuilder.server.config.ServerConfig config = io.scenariobuilder.server.config.ServerConfig.load(null, Map.of(
                "SB_DATA_DIR", dir.resolve("data").toString(), "SB_PLUGINS_DIR", dir.resolve("plugins").toString(), "SB_PORT", "0",
                "SB_IMPORT_EXAMPLES", "true", "SB_EXAMPLES_DIR", dir.resolve("no-examples").toString(),
                "SB_ADMIN_KEY", ServerHarness.ADMIN_KEY));
        ScenarioBuilderServer server = ScenarioBuilderServer.start(config, java.util.List.of(dir.resolve("no-builtin-plugins")), null);
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var ready = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/health/ready")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            var scenarios = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/v1/scenarios"))
                    .header("Authorization", "Bearer " + ServerHarness.ADMIN_KEY).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ServerHarness.json(scenarios.body()).get("items")).isEmpty();
        } finally {
            server.close();
        }
    }
}
