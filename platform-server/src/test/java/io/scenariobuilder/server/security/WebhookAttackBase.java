package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.http.WebhookRoutes;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A scenario behind a signed webhook, and how a sender signs. */
abstract class WebhookAttackBase {

    @TempDir
    Path dir;

    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "pay", "trigger": {"type": "webhook", "path": "pay", "secret": "hush-hush"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    Response send(String body, String signature) {
        return h.call(HttpMethod.POST, "/hooks/pay", body, null, Map.of("X-Signature", signature));
    }

    static String signature(long t, String body) {
        return "t=" + t + ",v1=" + WebhookRoutes.sign("hush-hush", t, body.getBytes(StandardCharsets.UTF_8));
    }
}
