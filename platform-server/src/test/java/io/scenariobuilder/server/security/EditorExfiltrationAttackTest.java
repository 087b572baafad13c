package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/**
 * The attack from the issue: the admin stores an {@code http} connection with a bearer token; an editor, who can never
 * read it, points an {@code http.request} node that uses it at a server of the editor's own. Nothing may be sent; nor
 * may the editor widen the admin's connection or lend it to another integration.
 */
class EditorExfiltrationAttackTest extends CredentialAttackBase {

    @Test
    void aConnectionWithoutAllowedHostsSendsItsTokenNowhereAndNothingIsSent() {
        adminStores(null);
        Response run = editorRuns(attacker.url("/collect"));
        assertThat(run.body().get("status").asText()).isEqualTo("failed");
        assertThat(run.body().at("/nodes/0/error/type").asText()).isEqualTo("forbidden_host");
        assertThat(run.body().at("/nodes/0/error/message").asText()).contains("127.0.0.1").doesNotContain(TOKEN);
        assertThat(attacker.requests).as("nothing is sent before the host is checked").isEmpty();
    }

    @Test
    void theEditorCannotWidenTheAdminsConnectionNorDeleteIt() {
        adminStores("[\"api.billing.example\"]");
        Response widened = h.call(HttpMethod.PUT, "/api/v1/connections/vault", json("""
                {"integrationId": "http", "name": "Billing API", "credentials": {"token": "x"}, "allowedHosts": ["*"]}"""), editor);
        assertThat(widened.status()).isEqualTo(403);
        assertThat(widened.body().at("/error/message").asText()).contains("created by another key");
        assertThat(h.call(HttpMethod.DELETE, "/api/v1/connections/vault", null, editor).status()).isEqualTo(403);
        assertThat(h.get("/api/v1/connections/vault").body().get("allowedHosts").get(0).asText()).isEqualTo("api.billing.example");

        // Its own connection, the editor manages: create, change, delete.
        assertThat(h.call(HttpMethod.POST, "/api/v1/connections", json("""
                {"id": "mine", "integrationId": "http", "credentials": {"token": "t"}, "allowedHosts": ["a.example"]}"""), editor)
                .status()).isEqualTo(201);
        assertThat(h.call(HttpMethod.PUT, "/api/v1/connections/mine", json("""
                {"integrationId": "http", "credentials": {"token": "u"}, "allowedHosts": ["b.example"]}"""), editor).status()).isEqualTo(200);
        assertThat(h.call(HttpMethod.DELETE, "/api/v1/connections/mine", null, editor).status()).isEqualTo(204);
        // And the admin may change anyone's.
        assertThat(h.call(HttpMethod.PUT, "/api/v1/connections/vault", json("""
                {"integrationId": "http", "credentials": {"token": "y"}, "allowedHosts": ["api.billing.example"]}"""),
                ServerHarness.ADMIN_KEY).status()).isEqualTo(200);
    }

    @Test
    void aConnectionCannotBeLentToAnotherIntegration() {
        adminStores("[\"127.0.0.1\"]");
        Response saved = h.call(HttpMethod.POST, "/api/v1/scenarios", json("""
                {"id": "lend", "nodes": [{"id": "pick", "integrationId": "catalog", "actionId": "pick-item", "connectionId": "vault",
                  "configuration": {"category": "mice", "product": "MS-TRV", "variant": "MS-TRV-GRY", "quantity": 1}}]}"""), editor);
        assertThat(saved.status()).as(saved.text()).isEqualTo(400);
        assertThat(saved.body().at("/error/details")).anySatisfy(d -> {
            assertThat(d.get("path").asText()).isEqualTo("$.nodes[0].connectionId");
            assertThat(d.get("message").asText()).contains("integration 'http'");
        });
        Response missing = h.call(HttpMethod.POST, "/api/v1/scenarios/validate", json("""
                {"nodes": [{"id": "a", "integrationId": "http", "actionId": "request", "connectionId": "nope",
                  "configuration": {"url": "https://example.com"}}]}"""), editor);
        assertThat(missing.body().get("errors").toString()).contains("$.nodes[0].connectionId", "does not exist");
    }
}
