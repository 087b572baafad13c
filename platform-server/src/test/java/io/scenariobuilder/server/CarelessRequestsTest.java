package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a careless client sends, over real HTTP: a connection whose ids disagree, a host list that is not one, a
 * webhook called with plain text or nothing, a signature with a broken timestamp. Each gets a 4xx naming what is
 * wrong, and nothing is stored.
 */
class CarelessRequestsTest {

    @TempDir
    Path dir;

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"))).status())
                .isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String message(Response response) {
        return response.body().at("/error/message").asText();
    }

    @Test
    void aConnectionWhoseIdsDisagreeOrAreNotIdsIsRefusedNamingTheId() {
        Response mismatch = h.call(HttpMethod.PUT, "/api/v1/connections/crm", json("""
                {"id": "shop", "integrationId": "http", "credentials": {}}"""), ServerHarness.ADMIN_KEY);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(message(mismatch)).isEqualTo("the body's id is not the id in the path 'crm'");

        Response badId = h.post("/api/v1/connections", json("""
                {"id": "my crm!", "integrationId": "http", "credentials": {}}"""));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(message(badId)).isEqualTo("id must match [A-Za-z0-9_-]{1,64}: 'my crm!'");

        Response replaceMissing = h.call(HttpMethod.PUT, "/api/v1/connections/ghost", json("""
                {"integrationId": "http", "credentials": {}}"""), ServerHarness.ADMIN_KEY);
        assertThat(replaceMissing.status()).isEqualTo(404);
        assertThat(message(replaceMissing)).isEqualTo("no connection 'ghost'");
        assertThat(h.get("/api/v1/connections").body().get("items")).isEmpty();
    }

    @Test
    void anAllowedHostsListThatIsTooLongOrNotOfStringsIsRefused() {
        String many = IntStream.range(0, 101).mapToObj(i -> "\"h" + i + ".example.com\"").collect(Collectors.joining(","));
        Response tooMany = h.post("/api/v1/connections", json("""
                {"id": "crm", "integrationId": "http", "credentials": {}, "allowedHosts": [%s]}""".formatted(many)));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(message(tooMany)).isEqualTo("allowedHosts may list at most 100 patterns, got 101");

        Response notText = h.post("/api/v1/connections", json("""
                {"id": "crm", "integrationId": "http", "credentials": {}, "allowedHosts": ["ok.example.com", 7]}"""));
        assertThat(notText.status()).isEqualTo(400);
        assertThat(message(notText)).isEqualTo("allowedHosts[1] must be a string");
        assertThat(h.get("/api/v1/connections/crm").status()).isEqualTo(404);
    }

    @Test
    void testingAConnectionThatIsNotThereOrWhoseIntegrationWasRemovedSaysWhich() {
        Response missing = h.post("/api/v1/connections/ghost/test", json("{}"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(message(missing)).isEqualTo("no connection 'ghost'");

        assertThat(h.post("/api/v1/connections", json("""
                {"id": "crm", "integrationId": "http", "credentials": {"authType": "none"}}""")).status()).isEqualTo(201);
        Response removed = h.delete("/api/v1/plugins/http");
        assertThat(removed.status()).as(removed.text()).isIn(200, 204);
        Response orphan = h.post("/api/v1/connections/crm/test", json("{}"));
        assertThat(orphan.status()).isEqualTo(400);
        assertThat(message(orphan)).isEqualTo("integration 'http' is not installed");
    }

    @Test
    void aWebhookCalledWithPlainTextOrNothingGetsTheTextOrNullAsItsBody() {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "echo", "trigger": {"type": "webhook", "path": "echo"}, "nodes": [
                  {"id": "pick", "integrationId": "core", "actionId": "transform",
                   "configuration": {"expression": "{'body': input.body, 'kind': $type(input.body)}"}}]}""")).status())
                .isEqualTo(201);
        Response text = h.call(HttpMethod.POST, "/hooks/echo?wait=true", "order 7 shipped", null,
                Map.of("Content-Type", "text/plain"));
        assertThat(text.status()).as(text.text()).isEqualTo(200);
        assertThat(text.body()).isEqualTo(json("{\"body\": \"order 7 shipped\", \"kind\": \"string\"}"));

        Response empty = h.call(HttpMethod.POST, "/hooks/echo?wait=true", null, null);
        assertThat(empty.status()).as(empty.text()).isEqualTo(200);
        assertThat(empty.body()).isEqualTo(json("{\"body\": null, \"kind\": \"null\"}"));
    }

    @Test
    void aSignatureWhoseTimestampIsNotANumberIsRefusedSayingSo() {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "signed", "trigger": {"type": "webhook", "path": "signed", "secret": "hush"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
        Response refused = h.call(HttpMethod.POST, "/hooks/signed", "{}", null, Map.of("X-Signature", "t=yesterday,v1=00"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text()).contains("the signature's t is not a number of seconds");
        assertThat(h.get("/api/v1/executions?scenarioId=signed").body().get("items")).isEmpty();
    }

    @Test
    void aScenarioWhoseIdsDisagreeOrWhoseIfMatchIsNotAVersionIsRefused() {
        String scenario = """
                {"id": "orders", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""";
        assertThat(h.post("/api/v1/scenarios", json(scenario)).status()).isEqualTo(201);
        Response mismatch = h.call(HttpMethod.PUT, "/api/v1/scenarios/invoices", json(scenario), ServerHarness.ADMIN_KEY,
                Map.of("If-Match", "1"));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(message(mismatch)).isEqualTo("the body's id 'orders' is not the id in the path 'invoices'");
        Response quoted = h.call(HttpMethod.PUT, "/api/v1/scenarios/orders", json(scenario), ServerHarness.ADMIN_KEY,
                Map.of("If-Match", "\"v1\""));
        assertThat(quoted.status()).isEqualTo(400);
        assertThat(message(quoted)).isEqualTo("If-Match must be a scenario version number, got '\"v1\"'");
        assertThat(h.get("/api/v1/scenarios/orders").body().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void aSchedulePreviewWithACountThatIsNotANumberOrACronWithNoMoreTimesSaysSo() {
        Response words = h.get("/api/v1/schedules/next?cron=0%209%20*%20*%20*&count=few");
        assertThat(words.status()).isEqualTo(400);
        assertThat(message(words)).isEqualTo("count must be a whole number, got 'few'");
        // The 30th of February never comes: no next time, and no error.
        Response never = h.get("/api/v1/schedules/next?cron=0%200%2030%202%20*");
        assertThat(never.status()).as(never.text()).isEqualTo(200);
        assertThat(never.body().get("next")).isEmpty();
    }

    @Test
    void aWebhookPathWrittenWithSlashesAroundItIsCalledWithout() {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "slashed", "trigger": {"type": "webhook", "path": "/orders/new/"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).status()).isEqualTo(201);
        Response called = h.call(HttpMethod.POST, "/hooks/orders/new?wait=true", "{}", null);
        assertThat(called.status()).as(called.text()).isEqualTo(200);
    }

    @Test
    void aPluginUploadedAsAFormFileIsInstalledLikeARawBody() throws Exception {
        assertThat(h.delete("/api/v1/plugins/http").status()).isIn(200, 204);
        byte[] jar = Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"));
        String boundary = "----sb-test-boundary";
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sb-plugin-http.jar\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        form.writeBytes(jar);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Response uploaded = h.call(HttpMethod.POST, "/api/v1/plugins", form.toByteArray(), ServerHarness.ADMIN_KEY,
                Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
        assertThat(h.get("/api/v1/integrations/http").status()).isEqualTo(200);
    }

    @Test
    void anExecutionStartedWithNoBodyGetsAnEmptyObjectAsItsTrigger() {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "bare", "nodes": [{"id": "echo", "integrationId": "core", "actionId": "transform",
                  "configuration": {"expression": "{'trigger': input}"}}]}""")).status()).isEqualTo(201);
        Response started = h.call(HttpMethod.POST, "/api/v1/scenarios/bare/executions?wait=true", null, ServerHarness.ADMIN_KEY);
        assertThat(started.status()).as(started.text()).isEqualTo(200);
        assertThat(started.body().at("/context/echo")).isEqualTo(json("{\"trigger\": {}}"));
    }

    @Test
    void aScheduleThatNeverComesIsSavedAndNeverRuns() {
        Response saved = h.post("/api/v1/scenarios", json("""
                {"id": "never", "trigger": {"type": "schedule", "cron": "0 0 30 2 *"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        assertThat(h.get("/api/v1/executions?scenarioId=never").body().get("items")).isEmpty();
    }

    @Test
    void aQueryThatIsNotValidUrlEncodingIsABadRequest() {
        Response broken = h.get("/api/v1/executions?status=%zz");
        assertThat(broken.status()).as(broken.text()).isEqualTo(400);
        assertThat(message(broken)).isEqualTo("bad request: invalid hex byte 'zz' at index 27 of '/api/v1/executions?status=%zz'");
        // A path that is not valid percent-encoding is refused before any route, with the same JSON error.
        for (String path : java.util.List.of("/api/v1/scenarios/%zz", "/hooks/%zz")) {
            Response brokenPath = h.call(HttpMethod.GET, path, null, ServerHarness.ADMIN_KEY);
            assertThat(brokenPath.status()).as(brokenPath.text()).isEqualTo(400);
            assertThat(brokenPath.error()).isEqualTo("bad_request");
            assertThat(message(brokenPath)).startsWith("bad request");
        }
    }

    @Test
    void anActionThatIsNotThereOrAKeyDeletingItselfIsRefusedSayingSo() {
        Response noAction = h.get("/api/v1/integrations/core/actions/teleport");
        assertThat(noAction.status()).isEqualTo(404);
        assertThat(message(noAction)).isEqualTo("integration 'core' has no action 'teleport'");
        String ownId = h.get("/api/v1/keys/current").body().get("id").asText();
        Response itself = h.delete("/api/v1/keys/" + ownId);
        assertThat(itself.status()).isEqualTo(409);
        assertThat(message(itself)).isEqualTo("a key cannot delete itself; use another admin key");
        assertThat(h.get("/api/v1/keys/current").status()).isEqualTo(200);
    }

    /** A script retrying with a wrong key: refused each time, and the store is asked about that key once. */
    @Test
    void aWrongKeySentAgainIsRefusedFromMemoryWithoutAskingTheStoreAgain() {
        long before = h.server.auth().storeLookups();
        for (int i = 0; i < 3; i++) {
            Response refused = h.call(HttpMethod.GET, "/api/v1/scenarios", null, "sb_a_key_that_was_revoked_long_ago_000");
            assertThat(refused.status()).isEqualTo(401);
        }
        assertThat(h.server.auth().storeLookups() - before).isEqualTo(1);
    }

    @Test
    void aCursorThisApiDidNotGiveIsRefusedRatherThanReadAsAnEmptyOrWrongPage() throws Exception {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "pipe", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}], "connections": []}""")).status())
                .isEqualTo(201);
        String executionId = h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{}")).body().get("id").asText();
        String hint = "is not one this API gave: pass the nextCursor of the previous page as it is, or leave cursor out for the first page";
        for (String wrong : new String[] {"garbage", "", executionId.toUpperCase(java.util.Locale.ROOT), executionId + "0"}) {
            Response executions = h.get("/api/v1/executions?cursor=" + wrong);
            assertThat(executions.status()).as(wrong).isEqualTo(400);
            assertThat(message(executions)).isEqualTo("cursor '" + wrong + "' " + hint);
        }
        Response scenarios = h.get("/api/v1/scenarios?cursor=my%20scenario");
        assertThat(scenarios.status()).isEqualTo(400);
        assertThat(message(scenarios)).isEqualTo("cursor 'my scenario' " + hint);
        Response huge = h.get("/api/v1/scenarios?cursor=" + "x".repeat(1000));
        assertThat(huge.status()).isEqualTo(400);
        assertThat(message(huge)).as("echoed in part only").isEqualTo("cursor '" + "x".repeat(64) + "...' " + hint);

        // What the API gives is taken: an execution id (the page after it is empty here), a scenario id.
        assertThat(h.get("/api/v1/executions?cursor=" + executionId).status()).isEqualTo(200);
        assertThat(h.get("/api/v1/scenarios?cursor=pipe").status()).isEqualTo(200);
    }

    @Test
    void testingAConnectionOfAnIntegrationWithoutCredentialsToTestSaysSo() {
        Response saved = h.post("/api/v1/connections", json("""
                {"id": "plain", "integrationId": "core", "credentials": {}}"""));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        Response tested = h.post("/api/v1/connections/plain/test", json("{}"));
        assertThat(tested.status()).isEqualTo(400);
        assertThat(message(tested)).isEqualTo("integration 'core' cannot test credentials");
    }
}
