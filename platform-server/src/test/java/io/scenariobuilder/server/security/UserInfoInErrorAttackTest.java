package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import org.junit.jupiter.api.Test;

/** A password in a URL ({@code user:pass@}) never comes back in an error, a log line or an answer. */
class UserInfoInErrorAttackTest extends CredentialAttackBase {

    @Test
    void aPasswordInAUrlIsMaskedInEveryErrorAndLog() {
        Response saved = h.post("/api/v1/scenarios", json("""
                {"id": "userinfo", "nodes": [{"id": "call", "integrationId": "http", "actionId": "request",
                  "configuration": {"url": "http://ada:pa55-w0rd-xyz@127.0.0.1:1/orders"}, "retryPolicy": {"maxAttempts": 1}}]}"""));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        Response run = h.post("/api/v1/scenarios/userinfo/executions?wait=true", json("{}"));
        assertThat(run.body().get("status").asText()).isEqualTo("failed");
        String id = run.body().get("id").asText();
        assertThat(run.text()).doesNotContain("pa55-w0rd-xyz");
        assertThat(h.get("/api/v1/executions/" + id + "/logs").text()).doesNotContain("pa55-w0rd-xyz");
        assertThat(run.body().at("/nodes/0/error/message").asText()).contains("127.0.0.1");

        // A refused scenario whose problem quotes the value: masked in the answer too.
        Response refused = h.post("/api/v1/scenarios", json("""
                {"nodes": [{"id": "pick", "integrationId": "catalog", "actionId": "pick-item",
                  "configuration": {"category": "https://ada:pa55-w0rd-xyz@files.example/x", "product": "p", "variant": "v",
                  "quantity": 1}}]}"""));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("files.example").doesNotContain("pa55-w0rd-xyz");
        Response validated = h.post("/api/v1/scenarios/validate", json("""
                {"nodes": [{"id": "pick", "integrationId": "catalog", "actionId": "pick-item",
                  "configuration": {"category": "https://ada:pa55-w0rd-xyz@files.example/x", "product": "p", "variant": "v",
                  "quantity": 1}}]}"""));
        assertThat(validated.text()).contains("files.example").doesNotContain("pa55-w0rd-xyz");

        // An engine error that quotes the expression (with its URL) at run time.
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "quoted", "nodes": [{"id": "t", "integrationId": "core", "actionId": "transform",
                  "configuration": {"expression": "'https://ada:pa55-w0rd-xyz@files.example' & $nope()"}}]}""")).status()).isEqualTo(201);
        Response quoted = h.post("/api/v1/scenarios/quoted/executions?wait=true", json("{}"));
        assertThat(quoted.body().at("/nodes/0/error/message").asText()).contains("files.example");
        assertThat(quoted.text()).doesNotContain("pa55-w0rd-xyz");
    }
}
