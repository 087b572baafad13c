package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An unauthenticated caller learns no internal detail, and readers never see the webhook secret. */
class WebhookDetailsAttackTest extends WebhookAttackBase {

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
