package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the credential attacks share: a server with the {@code http} and {@code catalog} plugins, an editor key, the
 * attacker's own server and the service the admin meant (whose {@code /moved} redirects to the attacker), and the
 * admin's connection with a bearer token the editor can never read.
 */
abstract class CredentialAttackBase {

    static final String TOKEN = "admin-only-token-7f3a9c";

    @TempDir
    Path dir;

    ServerHarness h;
    SecurityAttacks.Upstream attacker;
    SecurityAttacks.Upstream service;
    String editor;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        SecurityAttacks.upload(h, "sb-plugin-http.jar");
        SecurityAttacks.upload(h, "sb-plugin-catalog.jar");
        attacker = new SecurityAttacks.Upstream(request -> request.response().end("{}"));
        // The service the admin meant: its host is 127.0.0.1, and it redirects /moved to the attacker's server.
        service = new SecurityAttacks.Upstream(request -> {
            if (request.path().equals("/moved")) {
                request.response().setStatusCode(302).putHeader("Location", "http://localhost:" + attacker.port() + "/stolen").end();
            } else {
                request.response().putHeader("Content-Type", "application/json").end("{\"ok\": true}");
            }
        });
        editor = SecurityAttacks.key(h, "editor");
    }

    @AfterEach
    void stop() {
        h.close();
        attacker.close();
        service.close();
    }

    void adminStores(String allowedHosts) {
        Response stored = h.post("/api/v1/connections", json("""
                {"id": "vault", "integrationId": "http", "name": "Billing API", "credentials": {"token": "%s"}%s}"""
                .formatted(TOKEN, allowedHosts == null ? "" : ", \"allowedHosts\": " + allowedHosts)));
        assertThat(stored.status()).as(stored.text()).isEqualTo(201);
    }

    int runs;

    Response editorRuns(String url) {
        String id = "steal-" + ++runs;
        Response saved = h.call(HttpMethod.POST, "/api/v1/scenarios", json("""
                {"id": "%s", "nodes": [{"id": "call", "integrationId": "http", "actionId": "request", "connectionId": "vault",
                  "configuration": {"url": "%s"}, "retryPolicy": {"maxAttempts": 1}}]}""".formatted(id, url)), editor);
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);
        return h.call(HttpMethod.POST, "/api/v1/scenarios/" + id + "/executions?wait=true", json("{}"), editor);
    }

    boolean tokenArrivedAtTheAttacker() {
        return attacker.requests.stream().anyMatch(r -> r.values().stream().anyMatch(v -> v.contains(TOKEN)));
    }
}
