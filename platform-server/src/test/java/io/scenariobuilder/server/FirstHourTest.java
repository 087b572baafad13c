package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer trips over in the first hour (issue 17), each as the user met it, over real HTTP. */
class FirstHourTest {

    @TempDir
    Path dir;

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "s", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
        assertThat(h.post("/api/v1/scenarios/s/executions?wait=true", ServerHarness.json("{}")).body().get("status").asText())
                .isEqualTo("completed");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aUserWhoFiltersExecutionsByStatusInCapitalsGetsThemAndAWrongStatusListsTheRightOnes() {
        Response upper = h.get("/api/v1/executions?status=COMPLETED");
        assertThat(upper.status()).as(upper.text()).isEqualTo(200);
        assertThat(upper.body().get("items")).hasSize(1);
        Response wrong = h.get("/api/v1/executions?status=done");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().at("/error/message").asText())
                .isEqualTo("unknown status 'done': one of queued, running, paused, completed, failed, cancelled, incomplete");
    }

    @Test
    void aUserWhoMisspellsAQueryParameterIsToldWhichOnesTheRouteTakes() {
        Response misspelled = h.get("/api/v1/executions?scenario=s");
        assertThat(misspelled.status()).isEqualTo(400);
        assertThat(misspelled.body().at("/error/message").asText())
                .isEqualTo("unknown query parameter 'scenario': this route takes cursor, limit, scenarioId, status");
        assertThat(h.get("/api/v1/executions?scenarioId=s").body().get("items")).hasSize(1);
        assertThat(h.get("/api/v1/scenarios?limt=5").body().at("/error/message").asText())
                .isEqualTo("unknown query parameter 'limt': this route takes cursor, limit");
    }

    @Test
    void aUserWhoMisspellsACredentialFieldIsToldEachProblemWithItsPath() throws Exception {
        installHttp();
        Response wrong = h.post("/api/v1/connections", ServerHarness.json("""
                {"id": "shop", "integrationId": "http", "credentials": {"tokn": "a", "authType": "oauth", "testUrl": 7}}"""));
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
        assertThat(wrong.error()).isEqualTo("connection_invalid");
        assertThat(wrong.body().at("/error/message").asText()).isEqualTo("the connection is not valid (3 problems)");
        assertThat(wrong.body().at("/error/details").findValuesAsText("path"))
                .containsExactly("$.credentials.tokn", "$.credentials.authType", "$.credentials.testUrl");
        assertThat(wrong.body().at("/error/details/0/message").asText()).startsWith("unknown credential field 'tokn' (known keys: [authType, token,");
        assertThat(wrong.body().at("/error/details/1/message").asText())
                .isEqualTo("must be one of [none, bearer, basic, apiKeyHeader, apiKeyQuery], got 'oauth'");
        assertThat(wrong.body().at("/error/details/2/message").asText()).isEqualTo("expected a string, got a number");
        assertThat(h.get("/api/v1/connections/shop").status()).isEqualTo(404);
    }

    @Test
    void aUserReadingBackAConnectionSeesEverythingButItsSecrets() throws Exception {
        installHttp();
        Response saved = h.post("/api/v1/connections", ServerHarness.json("""
                {"id": "shop", "integrationId": "http", "allowedHosts": ["api.example.com"],
                 "credentials": {"authType": "basic", "username": "ada", "password": "s3cret-pw", "testUrl": "https://api.example.com/me"}}"""));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        for (JsonNode shown : List.of(saved.body(), h.get("/api/v1/connections/shop").body(), h.get("/api/v1/connections").body().at("/items/0"))) {
            assertThat(shown.get("credentials")).isEqualTo(ServerHarness.json("""
                    {"authType": "basic", "username": "ada", "password": "********", "testUrl": "https://api.example.com/me"}"""));
            assertThat(shown.get("allowedHosts")).isEqualTo(ServerHarness.json("[\"api.example.com\"]"));
        }
        assertThat(h.get("/api/v1/integrations/http").body().at("/connectionType/secretFields"))
                .isEqualTo(ServerHarness.json("[\"token\", \"password\", \"apiKey\"]"));
        assertThat(h.get("/api/v1/connections").text()).doesNotContain("s3cret-pw");
        String viewer = h.post("/api/v1/keys", ServerHarness.json("{\"name\": \"watcher\", \"role\": \"viewer\"}")).body().get("key").asText();
        Response asViewer = h.call(HttpMethod.GET, "/api/v1/connections/shop", null, viewer);
        assertThat(asViewer.text()).as("another role sees no more").contains("\"password\":\"********\"").doesNotContain("s3cret-pw");
        // Nor does the connection test's answer (its error names the URL it called, never the credentials).
        assertThat(h.post("/api/v1/connections/shop/test", null).text()).doesNotContain("s3cret-pw");
    }

    @Test
    void aUserWhoForgetsTheCredentialsIsToldTheyAreMissing() throws Exception {
        installHttp();
        Response missing = h.post("/api/v1/connections", ServerHarness.json("{\"integrationId\": \"http\"}"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().at("/error/message").asText()).isEqualTo("credentials are missing: send them as \"credentials\": {...}, "
                + "the fields of http's connection type (GET /api/v1/integrations/http)");
        Response text = h.post("/api/v1/connections", ServerHarness.json("{\"integrationId\": \"http\", \"credentials\": \"abc\"}"));
        assertThat(text.body().at("/error/message").asText()).isEqualTo("credentials must be a JSON object, got a string");
    }

    @Test
    void aUserWhoNamesAConnectionThatDoesNotExistIsToldOnSaveNotOnRun() throws Exception {
        installHttp();
        String scenario = """
                {"id": "call", "nodes": [{"id": "a", "integrationId": "http", "actionId": "request", "connectionId": "shop-api",
                 "configuration": {"url": "https://api.example.com/"}}]}""";
        for (Response refused : List.of(h.post("/api/v1/scenarios", ServerHarness.json(scenario)),
                h.post("/api/v1/scenarios/validate", ServerHarness.json(scenario)))) {
            assertThat(refused.text()).contains("$.nodes[0].connectionId", "connection 'shop-api' does not exist");
        }
        assertThat(h.get("/api/v1/scenarios/call").status()).isEqualTo(404);
    }

    @Test
    void aUserWhoSendsTheWrongMethodIsToldWhichMethodsThePathTakes() {
        Response delete = h.delete("/api/v1/executions");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.error()).isEqualTo("method_not_allowed");
        assertThat(delete.headers().get("Allow")).isEqualTo("GET");
        assertThat(delete.body().at("/error/message").asText()).isEqualTo("DELETE is not allowed on /api/v1/executions (it takes GET)");
        Response patch = h.call(HttpMethod.PATCH, "/api/v1/scenarios/s", ServerHarness.json("{}"), ServerHarness.ADMIN_KEY);
        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.headers().get("Allow")).isEqualTo("DELETE, GET, PUT");
        assertThat(h.get("/api/v1/nothing-here").status()).as("an unknown path stays 404").isEqualTo(404);
        assertThat(h.call(HttpMethod.DELETE, "/api/v1/executions", null, null).status()).as("no key: 401 first").isEqualTo(401);

        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "hook", "trigger": {"type": "webhook", "path": "orders", "method": "POST"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
        Response get = h.call(HttpMethod.GET, "/hooks/orders", null, null);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.error()).isEqualTo("method_not_allowed");
        assertThat(get.headers().get("Allow")).isEqualTo("POST");
    }

    @Test
    void aUserWhoSendsBrokenJsonIsToldOnePlaceInOneSentence() {
        Response broken = h.post("/api/v1/scenarios", "{\"id\": \"x\", \"nodes\": [}");
        assertThat(broken.error()).isEqualTo("invalid_json");
        assertThat(broken.body().at("/error/message").asText())
                .isEqualTo("the body is not valid JSON at line 1, column 23 (unexpected close marker '}': expected ']')");
    }

    @Test
    void aWebhookCallerWaitingOnAFailedExecutionGets502NamingItNot500() {
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "breaks", "trigger": {"type": "webhook", "path": "breaks", "method": "POST"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input", "message": "the shop said no"}}]}""")).text())
                .contains("\"version\":1");
        Response failed = h.call(HttpMethod.POST, "/hooks/breaks?wait=true", ServerHarness.json("{}"), null);
        assertThat(failed.status()).as(failed.text()).isEqualTo(502);
        assertThat(failed.error()).isEqualTo("execution_failed");
        JsonNode detail = failed.body().at("/error/details/0");
        assertThat(detail.get("status").asText()).isEqualTo("failed");
        assertThat(detail.get("errorType").asText()).isNotBlank();
        assertThat(h.get("/api/v1/executions/" + detail.get("executionId").asText()).body().get("status").asText()).isEqualTo("failed");
        assertThat(failed.text()).as("the message only when the scenario opts in").doesNotContain("the shop said no");
    }

    @Test
    void aUserWhoFixesAFailedScenarioRetriesUnderTheFixOrTheOriginalAndIsToldWhichRuns() {
        String broken = """
                {"id": "orders", "nodes": [
                  {"id": "load", "integrationId": "core", "actionId": "set", "configuration": {"values": {"total": 42}}},
                  {"id": "send", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input"}}],
                 "connections": [{"fromNodeId": "load", "toNodeId": "send"}]}""";
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json(broken)).status()).isEqualTo(201);
        String first = failedExecution();
        String second = failedExecution();
        JsonNode loadBefore = h.get("/api/v1/executions/" + first).body().at("/nodes/0");
        String fixed = """
                {"id": "orders", "nodes": [
                  {"id": "load", "integrationId": "core", "actionId": "set", "configuration": {"values": {"total": 42}}},
                  {"id": "send", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{'sent': input.total}"}},
                  {"id": "audit", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "load", "toNodeId": "send"}, {"fromNodeId": "send", "toNodeId": "audit"}]}""";
        assertThat(h.call(HttpMethod.PUT, "/api/v1/scenarios/orders", ServerHarness.json(fixed), ServerHarness.ADMIN_KEY,
                Map.of("If-Match", "1")).status()).isEqualTo(200);

        Response original = h.post("/api/v1/executions/" + second + "/retry?wait=true", null);
        assertThat(original.body().get("status").asText()).as("the original version fails again").isEqualTo("failed");
        assertThat(original.body().get("scenarioVersion").asInt()).isEqualTo(1);

        Response accepted = h.post("/api/v1/executions/" + first + "/retry?version=latest", null);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        assertThat(accepted.body().get("scenarioVersion").asInt()).isEqualTo(2);
        JsonNode result = Awaitility.await().until(() -> h.get("/api/v1/executions/" + first).body(),
                body -> body.get("status").asText().equals("completed"));
        assertThat(result.get("scenarioVersion").asInt()).isEqualTo(2);
        assertThat(result.at("/nodes").findValuesAsText("nodeId")).containsExactlyInAnyOrder("load", "send", "audit");
        JsonNode load = result.at("/nodes/0");
        assertThat(load.get("nodeId").asText()).isEqualTo("load");
        assertThat(load.get("attempts")).as("a completed node is kept, not run again").isEqualTo(loadBefore.get("attempts"));
        assertThat(load.get("endTime")).isEqualTo(loadBefore.get("endTime"));
        assertThat(result.at("/context/send/sent").asInt()).isEqualTo(42);

        Response wrong = h.post("/api/v1/executions/" + second + "/retry?version=newest", null);
        assertThat(wrong.body().at("/error/message").asText()).startsWith("version must be 'latest'");
    }

    @Test
    void aRetryUnderALatestVersionThatNoLongerHasACompletedNodeIsRefusedSayingWhy() {
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json("""
                {"id": "orders", "nodes": [
                  {"id": "load", "integrationId": "core", "actionId": "noop"},
                  {"id": "send", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input"}}],
                 "connections": [{"fromNodeId": "load", "toNodeId": "send"}]}""")).status()).isEqualTo(201);
        String failed = failedExecution();
        assertThat(h.call(HttpMethod.PUT, "/api/v1/scenarios/orders", ServerHarness.json("""
                {"id": "orders", "nodes": [{"id": "fetch", "integrationId": "core", "actionId": "noop"}]}"""), ServerHarness.ADMIN_KEY,
                Map.of("If-Match", "1")).status()).isEqualTo(200);
        Response refused = h.post("/api/v1/executions/" + failed + "/retry?version=latest", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().at("/error/message").asText()).isEqualTo("execution " + failed + " cannot go on under version 2 of "
                + "scenario 'orders': its completed node [load] is gone from that version. Retry it under the version it ran (v1, "
                + "without ?version=latest), or start a new execution");
        assertThat(h.get("/api/v1/executions/" + failed).body().get("status").asText()).as("nothing changed").isEqualTo("failed");
        assertThat(h.post("/api/v1/executions/" + failed + "/retry", null).body().get("scenarioVersion").asInt()).isEqualTo(1);
    }

    @Test
    void aUserWhoSendsTheKeyWithoutBearerIsToldTheSchemeIsMissing() {
        Response bare = h.call(HttpMethod.GET, "/api/v1/scenarios", null, null, Map.of("Authorization", ServerHarness.ADMIN_KEY));
        assertThat(bare.status()).isEqualTo(401);
        assertThat(bare.body().at("/error/message").asText())
                .isEqualTo("the Authorization header has no 'Bearer ' scheme: send it as Bearer <key>");
        assertThat(bare.text()).as("the key is not echoed").doesNotContain(ServerHarness.ADMIN_KEY);
    }

    private String failedExecution() {
        Response run = h.post("/api/v1/scenarios/orders/executions?wait=true", ServerHarness.json("{}"));
        assertThat(run.body().get("status").asText()).as(run.text()).isEqualTo("failed");
        return run.body().get("id").asText();
    }

    private void installHttp() throws Exception {
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"))).status()).isEqualTo(201);
    }
}
