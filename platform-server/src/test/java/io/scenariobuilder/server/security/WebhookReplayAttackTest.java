package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.http.WebhookRoutes;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on a signed webhook: replaying a call that was signed, sending an old one, sending the old signature format
 * (which has no timestamp, so it could be replayed for ever), and reading internal details from a failed run.
 */
class WebhookReplayAttackTest {

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

    private Response send(String body, String signature) {
        return h.call(HttpMethod.POST, "/hooks/pay", body, null, Map.of("X-Signature", signature));
    }

    private static String signature(long t, String body) {
        return "t=" + t + ",v1=" + WebhookRoutes.sign("hush-hush", t, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSignedCallRunsOnceAndItsReplayIsRefused() {
        String body = "{\"amount\": 100}";
        String signed = signature(Instant.now().getEpochSecond(), body);
        assertThat(send(body, signed).status()).isEqualTo(202);
        Response replay = send(body, signed);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.body().at("/error/message").asText()).contains("replay");
        assertThat(h.get("/api/v1/executions?scenarioId=pay").body().get("items")).hasSize(1);
    }

    @Test
    void anOldOrFutureTimestampAndTheOldFormatAreRefused() {
        String body = "{\"amount\": 100}";
        Response stale = send(body, signature(Instant.now().getEpochSecond() - 301, body));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.body().at("/error/message").asText()).contains("more than 300 s");
        assertThat(send(body, signature(Instant.now().getEpochSecond() + 301, body)).status()).isEqualTo(401);
        // The signed timestamp cannot be swapped: the HMAC covers it.
        long now = Instant.now().getEpochSecond();
        String moved = signature(now - 1000, body).replace("t=" + (now - 1000), "t=" + now);
        assertThat(send(body, moved).body().at("/error/message").asText()).contains("does not match");
        Response oldFormat = send(body, "sha256=" + "0".repeat(64));
        assertThat(oldFormat.status()).isEqualTo(401);
        assertThat(oldFormat.body().at("/error/message").asText()).contains("t=<unix seconds>,v1=");
        assertThat(h.get("/api/v1/executions?scenarioId=pay").body().get("items")).isEmpty();
    }

    @Test
    void aFailedRunTellsTheCallerOnlyItsIdStatusAndTypeUnlessTheScenarioOptsIn() {
        Response created = h.post("/api/v1/scenarios", json("""
                {"id": "quiet", "trigger": {"type": "webhook", "path": "quiet"},
                 "nodes": [{"id": "f", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input", "message": "db password is swordfish"}}]}"""));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Response quiet = h.call(HttpMethod.POST, "/hooks/quiet?wait=true", "{}", null);
        assertThat(quiet.status()).isEqualTo(502);
        assertThat(quiet.error()).isEqualTo("execution_failed");
        assertThat(quiet.text()).doesNotContain("swordfish");
        assertThat(quiet.body().at("/error/details/0/status").asText()).isEqualTo("failed");
        assertThat(quiet.body().at("/error/details/0/executionId").asText()).isNotBlank();

        h.post("/api/v1/scenarios", json("""
                {"id": "loud", "trigger": {"type": "webhook", "path": "loud", "exposeErrors": true},
                 "nodes": [{"id": "f", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input", "message": "stock is empty"}}]}"""));
        Response loud = h.call(HttpMethod.POST, "/hooks/loud?wait=true", "{}", null);
        assertThat(loud.status()).isEqualTo(502);
        assertThat(loud.body().at("/error/details/0/message").asText()).contains("stock is empty");
    }

    @Test
    void theSecretIsNotShownToReadersAndSavingTheDocumentBackKeepsIt() {
        String viewer = SecurityAttacks.key(h, "viewer");
        Response read = h.call(HttpMethod.GET, "/api/v1/scenarios/pay", null, viewer);
        assertThat(read.text()).doesNotContain("hush-hush");
        assertThat(read.body().at("/trigger/secret").asText()).isEqualTo("********");
        // The document as read, saved back unchanged: the secret stays what it was.
        ((com.fasterxml.jackson.databind.node.ObjectNode) read.body()).remove("createdAt");
        Response saved = h.call(HttpMethod.PUT, "/api/v1/scenarios/pay", read.body(), ServerHarness.ADMIN_KEY,
                Map.of("If-Match", read.body().get("version").asText()));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        String body = "{}";
        assertThat(send(body, signature(Instant.now().getEpochSecond(), body)).status()).isEqualTo(202);
    }
}
