package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** API keys, roles, and credentials that never come back out. */
class SecurityTest {

    @TempDir
    Path dir;

    ServerHarness h;
    final ListAppender<ILoggingEvent> allLogs = new ListAppender<>();

    private final Map<String, ch.qos.logback.classic.Level> levels = new java.util.HashMap<>();

    @BeforeEach
    void start() throws Exception {
        allLogs.start();
        // Everything, debug included, from every logger (another test in this JVM may have turned some off).
        for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "io.scenariobuilder", "io.scenariobuilder.execution")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(name, logger.getLevel());
            logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(allLogs);
        h = new ServerHarness(dir, Map.of());
    }

    @AfterEach
    void stop() {
        h.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(allLogs);
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private String key(String role) {
        Response created = h.post("/api/v1/keys", Map.of("name", role + "-key", "role", role));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("role").asText()).isEqualTo(role);
        return created.body().get("key").asText();
    }

    @Test
    void keysAreRequiredAndRolesDecide() {
        Response missing = h.call(HttpMethod.GET, "/api/v1/scenarios", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).isEqualTo("unauthorized");
        assertThat(missing.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(h.call(HttpMethod.GET, "/api/v1/scenarios", null, "sb_wrong_key_xxxxxxxxxxxxxxxxxxxxx").status()).isEqualTo(401);
        assertThat(h.call(HttpMethod.GET, "/api/v1/scenarios", null, null, Map.of("Authorization", "Basic YTpi")).status()).isEqualTo(401);
        assertThat(h.call(HttpMethod.GET, "/health/live", null, null).status()).isEqualTo(200);
        assertThat(h.call(HttpMethod.GET, "/health/ready", null, null).body().get("status").asText()).isEqualTo("ready");

        String viewer = key("viewer");
        String editor = key("editor");
        assertThat(h.call(HttpMethod.GET, "/api/v1/scenarios", null, viewer).status()).isEqualTo(200);
        Response forbidden = h.call(HttpMethod.POST, "/api/v1/scenarios", json("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""), viewer);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.error()).isEqualTo("forbidden");
        assertThat(forbidden.body().at("/error/message").asText()).contains("editor role", "is viewer");
        assertThat(h.call(HttpMethod.POST, "/api/v1/scenarios", json("""
                {"id": "s", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""), editor).status()).isEqualTo(201);
        assertThat(h.call(HttpMethod.GET, "/api/v1/keys", null, editor).status()).isEqualTo(403);
        // Any key may ask what it is (a page shows a viewer everything read-only), never for its secret.
        Response current = h.call(HttpMethod.GET, "/api/v1/keys/current", null, viewer);
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body().get("role").asText()).isEqualTo("viewer");
        assertThat(current.body().get("name").asText()).isEqualTo("viewer-key");
        assertThat(current.text()).doesNotContain(viewer);
        assertThat(h.get("/api/v1/keys/current").body().get("role").asText()).isEqualTo("admin");
        assertThat(h.call(HttpMethod.GET, "/api/v1/keys/current", null, null).status()).isEqualTo(401);
        assertThat(h.call(HttpMethod.POST, "/api/v1/plugins", new byte[] {1, 2}, editor).status()).isEqualTo(403);
        assertThat(h.call(HttpMethod.DELETE, "/api/v1/plugins/core", null, editor).status()).isEqualTo(403);

        Response keys = h.get("/api/v1/keys");
        assertThat(keys.body().get("items")).extracting(k -> k.get("role").asText()).contains("admin", "viewer", "editor");
        assertThat(keys.text()).doesNotContain(viewer).doesNotContain(ADMIN_KEY); // secrets are shown once, at creation
        String viewerId = null;
        for (var k : keys.body().get("items")) {
            if (k.get("name").asText().equals("viewer-key")) {
                viewerId = k.get("id").asText();
            }
        }
        assertThat(viewerId).isNotNull();
        assertThat(h.delete("/api/v1/keys/" + viewerId).status()).isEqualTo(204);
        assertThat(h.call(HttpMethod.GET, "/api/v1/scenarios", null, viewer).status()).isEqualTo(401);
        assertThat(h.delete("/api/v1/keys/" + viewerId).status()).isEqualTo(404);
        assertThat(h.post("/api/v1/keys", Map.of("name", "x", "role", "root")).error()).isEqualTo("bad_request");
    }

    @Test
    void credentialsNeverAppearInAnyResponseOrLogLine() throws Exception {
        // The http integration takes connections; install it through the API.
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"))).status())
                .isEqualTo(201);
        String secret = "s3cr3t-" + System.nanoTime();
        List<Response> responses = new ArrayList<>();
        Response created = h.post("/api/v1/connections", json("""
                {"id": "shop", "integrationId": "http", "name": "Shop",
                 "credentials": {"token": "%s", "testUrl": "http://127.0.0.1:1/ping"}}""".formatted(secret)));
        responses.add(created);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().at("/credentials/token").asText()).isEqualTo("********");
        responses.add(h.get("/api/v1/connections"));
        responses.add(h.get("/api/v1/connections/shop"));
        responses.add(h.call(HttpMethod.PUT, "/api/v1/connections/shop", json("""
                {"integrationId": "http", "name": "Shop", "credentials": {"token": "%s", "testUrl": "http://127.0.0.1:1/ping"}}"""
                .formatted(secret)), ADMIN_KEY));
        Response test = h.post("/api/v1/connections/shop/test", null); // nothing listens on port 1
        responses.add(test);
        assertThat(test.status()).isEqualTo(200);
        assertThat(test.body().get("ok").asBoolean()).isFalse();
        assertThat(test.body().at("/error/type").asText()).isEqualTo("network_error");
        // A node using the connection fails with the credentials at hand: its error and logs must not show them.
        h.post("/api/v1/scenarios", json("""
                {"id": "uses", "nodes": [{"id": "n", "integrationId": "http", "actionId": "request", "connectionId": "shop",
                  "configuration": {"url": "http://127.0.0.1:1/orders"}, "retryPolicy": {"maxAttempts": 1}}]}"""));
        Response run = h.post("/api/v1/scenarios/uses/executions?wait=true", json("{}"));
        responses.add(run);
        assertThat(run.body().get("status").asText()).isEqualTo("failed");
        responses.add(h.get("/api/v1/executions/" + run.body().get("id").asText() + "/logs"));
        responses.add(h.get("/api/v1/executions"));

        assertThat(h.post("/api/v1/connections", json("""
                {"id": "shop", "integrationId": "http", "credentials": {}}""")).status()).isEqualTo(409);
        assertThat(h.post("/api/v1/connections", json("""
                {"integrationId": "nope", "credentials": {}}""")).error()).isEqualTo("bad_request");
        assertThat(h.get("/api/v1/connections/ghost").status()).isEqualTo(404);
        for (Response response : responses) {
            assertThat(response.text()).doesNotContain(secret);
        }
        assertThat(allLogs.list).as("log lines were captured").isNotEmpty();
        assertThat(allLogs.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(secret);
            assertThat(String.valueOf(event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()))
                    .doesNotContain(secret);
        });
        // Not in the database files in clear either.
        try (var files = Files.list(dir.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(secret);
            }
        }
        assertThat(h.delete("/api/v1/connections/shop").status()).isEqualTo(204);
    }
}
