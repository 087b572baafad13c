package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugins installed, refused and removed through the API of a running server. */
class PluginApiTest extends ServerTestBase {

    @Test
    void anUploadedPluginRunsAtOnceSurvivesARestartAndIsRemoved() throws Exception {
        byte[] jar = Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"));
        Response installed = h.post("/api/v1/plugins", jar);
        assertThat(installed.status()).isEqualTo(201);
        assertThat(installed.body().get("id").asText()).isEqualTo("http");
        assertThat(installed.body().get("integrations")).extracting(i -> i.asText()).containsExactly("http");
        assertThat(h.get("/api/v1/integrations/http").body().at("/actions/0/id").asText()).isEqualTo("request");
        assertThat(h.get("/api/v1/integrations").body().get("items")).extracting(i -> i.get("id").asText()).contains("core", "http");
        assertThat(h.get("/api/v1/plugins").body().get("items")).extracting(p -> p.get("id").asText()).contains("core", "http");
        // Kept in the plugins folder under its id and version, so the next start loads it.
        try (var files = Files.list(dir.resolve("plugins"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("http-").endsWith(".jar");
        }
        Response again = h.post("/api/v1/plugins", jar);
        assertThat(again.status()).isEqualTo(409);

        h.stop();
        h.start();
        assertThat(h.get("/api/v1/integrations/http").status()).isEqualTo(200);

        assertThat(h.delete("/api/v1/plugins/http").status()).isEqualTo(204);
        assertThat(h.get("/api/v1/integrations/http").status()).isEqualTo(404);
        try (var files = Files.list(dir.resolve("plugins"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(h.delete("/api/v1/plugins/http").status()).isEqualTo(404);
    }

    @Test
    void aCorruptJarIsRefusedAndLeavesTheServerAsItWas() throws Exception {
        Response corrupt = h.post("/api/v1/plugins", "this is not a jar".getBytes());
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.error()).isEqualTo("plugin_invalid");
        Response empty = h.post("/api/v1/plugins", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        try (var files = Files.list(dir.resolve("plugins"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(h.get("/api/v1/plugins").body().get("items")).hasSize(1);
    }

    @Test
    void aPluginInUseIsNotRemovedUnlessForced() throws Exception {
        h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar")));
        h.post("/api/v1/scenarios", json("""
                {"id": "slow", "nodes": [
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 60000}},
                  {"id": "call", "integrationId": "http", "actionId": "request", "configuration": {"url": "http://127.0.0.1:1/"}}
                ], "connections": [{"fromNodeId": "wait", "toNodeId": "call"}]}"""));
        String id = h.post("/api/v1/scenarios/slow/executions", json("{}")).body().get("executionId").asText();
        Response inUse = h.delete("/api/v1/plugins/http");
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.error()).isEqualTo("plugin_in_use");
        assertThat(h.delete("/api/v1/plugins/http?force=true").status()).isEqualTo(204);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                "cancelled".equals(h.get("/api/v1/executions/" + id).body().path("status").asText()));
    }
}
