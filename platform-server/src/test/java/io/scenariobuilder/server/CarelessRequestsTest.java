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
}
