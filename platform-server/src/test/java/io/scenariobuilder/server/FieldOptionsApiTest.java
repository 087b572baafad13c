package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dynamic field options over HTTP, with the built-in {@code catalog} plugin uploaded into a running server: the chain
 * category -> product -> variant, the connection's warehouses, errors by status, the cache, and scenarios checked
 * against the options when saved.
 */
class FieldOptionsApiTest extends ServerTestBase {

    private static final String OPTIONS = "/api/v1/integrations/catalog/actions/pick-item/fields/%s/options";

    @Override
    Map<String, String> settings() {
        return Map.of("SB_OPTIONS_TIMEOUT", "1000");
    }

    @BeforeEach
    void installCatalog() throws Exception {
        Response installed = h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-catalog.jar")));
        assertThat(installed.status()).as(installed.text()).isEqualTo(201);
    }

    private Response options(String field, String body) {
        return h.post(OPTIONS.formatted(field), json(body));
    }

    private static List<String> values(Response response) {
        List<String> values = new ArrayList<>();
        response.body().get("options").forEach(option -> values.add(option.get("value").asText()));
        return values;
    }

    private void connection(String id, String integrationId, String credentials) {
        Response saved = h.post("/api/v1/connections", json("{\"id\": \"" + id + "\", \"integrationId\": \"" + integrationId
                + "\", \"credentials\": " + credentials + "}"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    }

    @Test
    void anActionShowsTheOrderItsFieldsResolveInAndEachFieldIsOfferedForTheOneBefore() {
        Response action = h.get("/api/v1/integrations/catalog/actions/pick-item");
        assertThat(action.status()).isEqualTo(200);
        assertThat(action.body().get("fieldOrder")).extracting(JsonNode::asText)
                .containsExactly("category", "product", "variant", "quantity", "warehouse");
        assertThat(h.get("/api/v1/integrations/catalog").body().at("/actions/0/fieldOrder/2").asText()).isEqualTo("variant");

        Response categories = options("category", "{}");
        assertThat(categories.status()).isEqualTo(200);
        assertThat(values(categories)).containsExactly("keyboards", "mice", "monitors");
        assertThat(categories.body().get("allowCustom").asBoolean()).isFalse();
        assertThat(categories.body().get("cached").asBoolean()).isFalse();
        assertThat(options("category", "{}").body().get("cached").asBoolean()).isTrue();
        assertThat(values(options("product", "{\"values\": {\"category\": \"monitors\", \"unrelated\": 1}}")))
                .containsExactly("mn-27-4k", "mn-34-uw");
        assertThat(values(options("variant", "{\"values\": {\"product\": \"mn-27-4k\"}}")))
                .containsExactly("MN-27-4K-STD", "MN-27-4K-ARM");
    }

    @Test
    void eachWrongRequestGetsItsOwnStatusAndCode() {
        Response missing = options("variant", "{\"values\": {\"category\": \"mice\"}}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.error()).isEqualTo("missing_dependencies");
        assertThat(missing.body().at("/error/details/0/field").asText()).isEqualTo("product");
        assertThat(missing.body().at("/error/message").asText()).contains("give a value for [product]");

        assertThat(h.post("/api/v1/integrations/nope/actions/pick-item/fields/category/options", json("{}")).status()).isEqualTo(404);
        assertThat(h.post("/api/v1/integrations/catalog/actions/nope/fields/category/options", json("{}")).status()).isEqualTo(404);
        assertThat(options("nope", "{}").status()).isEqualTo(404);
        Response noOptions = options("quantity", "{}");
        assertThat(noOptions.status()).isEqualTo(400);
        assertThat(noOptions.body().at("/error/message").asText()).contains("has no options");
        assertThat(options("category", "{\"values\": [1]}").status()).isEqualTo(400);
        assertThat(options("category", "{\"connectionId\": 5}").status()).isEqualTo(400);

        Response failed = options("product", "{\"values\": {\"category\": \"sofas\"}}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.error()).isEqualTo("options_fetch_failed");
        assertThat(failed.body().at("/error/message").asText()).contains("no category 'sofas'").doesNotContain("at io.");
        assertThat(failed.body().at("/error/details/0/errorType").asText()).isEqualTo("resource_not_found");
        assertThat(options("product", "{\"values\": {\"category\": \"sofas\"}}").body().path("cached").asBoolean(false))
                .as("a failure is not kept").isFalse();

        Response viewer = h.call(HttpMethod.POST, OPTIONS.formatted("category"), json("{}"), viewerKey());
        assertThat(viewer.status()).as("fetching options uses connections: an editor's").isEqualTo(403);
    }

    private String viewerKey() {
        Response key = h.post("/api/v1/keys", json("{\"name\": \"watcher\", \"role\": \"viewer\"}"));
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        return key.body().get("key").asText();
    }

    @Test
    void theWarehousesComeFromTheConnectionOfTheIntegrationAndFollowItsChanges() throws Exception {
        connection("acme-us", "catalog", "{\"region\": \"us\"}");
        Response us = options("warehouse", "{\"connectionId\": \"acme-us\"}");
        assertThat(values(us)).containsExactly("iad-1", "sfo-1");
        assertThat(options("warehouse", "{\"connectionId\": \"acme-us\"}").body().get("cached").asBoolean()).isTrue();

        Response replaced = h.call(HttpMethod.PUT, "/api/v1/connections/acme-us",
                json("{\"integrationId\": \"catalog\", \"credentials\": {\"region\": \"eu\"}}"), ServerHarness.ADMIN_KEY);
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        Response eu = options("warehouse", "{\"connectionId\": \"acme-us\"}");
        assertThat(eu.body().get("cached").asBoolean()).as("the update dropped the entry").isFalse();
        assertThat(values(eu)).containsExactly("ams-1", "fra-2");

        h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar")));
        connection("web", "http", "{\"token\": \"abcdefghij\"}");
        Response foreign = options("warehouse", "{\"connectionId\": \"web\"}");
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(foreign.error()).isEqualTo("connection_invalid");
        assertThat(foreign.body().at("/error/message").asText()).contains("belongs to integration 'http'");
        Response none = options("warehouse", "{}");
        assertThat(none.status()).isEqualTo(502);
        assertThat(none.body().at("/error/message").asText()).contains("choose a catalog connection");
    }

    @Test
    void identicalRequestsAtOnceMakeOneFetchAndASlowProviderIsCutWith504() throws Exception {
        connection("slow", "catalog", "{\"region\": \"eu\", \"latencyMs\": 400}");
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> options("category", "{\"connectionId\": \"slow\"}")));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.join().status()).isEqualTo(200));
        assertThat(answers.stream().filter(answer -> !answer.join().body().get("cached").asBoolean()).count()).isEqualTo(1);
        String metrics = h.get("/metrics").text();
        assertThat(metrics).contains("sb_options_fetch_duration_seconds_count{action=\"pick-item\",field=\"category\",integration=\"catalog\","
                + "outcome=\"ok\"} 1");

        connection("stuck", "catalog", "{\"region\": \"eu\", \"latencyMs\": 5000}");
        long start = System.nanoTime();
        Response cut = options("category", "{\"connectionId\": \"stuck\"}");
        assertThat(cut.status()).isEqualTo(504);
        assertThat(cut.error()).isEqualTo("options_timeout");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
    }

    @Test
    void aScenarioIsCheckedAgainstTheOptionsWhenSavedAndAnUnreachableProviderOnlyWarns() {
        String scenario = """
                {"id": "order", "nodes": [{"id": "item", "integrationId": "catalog", "actionId": "pick-item", %s
                  "configuration": {"category": "mice", "product": "ms-ergo", "variant": "%s", "quantity": 2}}]}""";
        Response wrong = h.post("/api/v1/scenarios", json(scenario.formatted("", "KB-TK-US-RED")));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.error()).isEqualTo("scenario_invalid");
        assertThat(wrong.body().at("/error/details/0/path").asText()).isEqualTo("$.nodes[0].configuration.variant");
        assertThat(wrong.body().at("/error/details/0/message").asText()).contains("'KB-TK-US-RED' is not one of the options")
                .contains("MS-ERG-R");
        Response validated = h.post("/api/v1/scenarios/validate", json(scenario.formatted("", "KB-TK-US-RED")));
        assertThat(validated.body().get("valid").asBoolean()).isFalse();
        assertThat(validated.body().at("/errors/0/path").asText()).isEqualTo("$.nodes[0].configuration.variant");

        Response saved = h.post("/api/v1/scenarios", json(scenario.formatted("", "MS-ERG-L")));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        assertThat(saved.body().has("warnings")).isFalse();
        Response ran = h.post("/api/v1/scenarios/order/executions?wait=true", json("{}"));
        assertThat(ran.body().get("status").asText()).as(ran.text()).isEqualTo("completed");
        assertThat(ran.body().at("/context/item/total").asDouble()).isEqualTo(94.0);

        // A catalog that does not answer in time (SB_OPTIONS_TIMEOUT is 1 s here): saved, with the fields left unchecked.
        connection("stuck", "catalog", "{\"region\": \"eu\", \"latencyMs\": 5000}");
        Response unchecked = h.call(HttpMethod.PUT, "/api/v1/scenarios/order",
                json(scenario.formatted("\"connectionId\": \"stuck\",", "MS-ERG-L")), ServerHarness.ADMIN_KEY, Map.of("If-Match", "1"));
        assertThat(unchecked.status()).as(unchecked.text()).isEqualTo(200);
        assertThat(unchecked.body().get("warnings")).extracting(w -> w.get("path").asText())
                .containsExactly("$.nodes[0].configuration.category", "$.nodes[0].configuration.product",
                        "$.nodes[0].configuration.variant");
        assertThat(unchecked.body().at("/warnings/0/message").asText()).contains("not checked against its options")
                .contains("SB_OPTIONS_TIMEOUT");
    }

    @Test
    void aPluginWhoseFieldsDependOnEachOtherInACycleIsRefusedAndNothingChanges() throws Exception {
        int before = h.get("/api/v1/plugins").body().get("items").size();
        Response refused = h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/bad-fields.jar")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("plugin_invalid");
        assertThat(refused.body().at("/error/message").asText()).contains("the fields' dependencies form a cycle: sheet -> tab -> sheet");
        assertThat(h.get("/api/v1/plugins").body().get("items")).hasSize(before);
        assertThat(h.get("/api/v1/integrations/bad-fields").status()).isEqualTo(404);
    }
}
