package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every scenario and execution endpoint over real HTTP: the happy path and bad input. */
class ServerApiTest extends ServerTestBase {

    private static final String PIPELINE = """
            {"id": "pipe", "name": "Pipeline", "nodes": [
              {"id": "double", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{'n': input.n * 2}"}},
              {"id": "tag", "integrationId": "core", "actionId": "set", "configuration": {"values": {"done": true}}}
            ], "connections": [{"fromNodeId": "double", "toNodeId": "tag"}]}""";

    @Test
    void scenariosAreCreatedReadListedUpdatedWithIfMatchAndDeleted() {
        Response created = h.post("/api/v1/scenarios", json(PIPELINE));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("id").asText()).isEqualTo("pipe");
        assertThat(created.body().get("version").asInt()).isEqualTo(1);
        assertThat(created.headers().get("Location")).isEqualTo("/api/v1/scenarios/pipe");

        assertThat(h.get("/api/v1/scenarios/pipe").body().get("nodes")).hasSize(2);
        assertThat(h.post("/api/v1/scenarios", json(PIPELINE)).status()).isEqualTo(409); // the id is taken

        Response noId = h.post("/api/v1/scenarios", json("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        assertThat(noId.status()).isEqualTo(201);
        assertThat(noId.body().get("id").asText()).startsWith("sc-");

        Response page = h.get("/api/v1/scenarios?limit=1");
        assertThat(page.body().get("items")).hasSize(1);
        String cursor = page.body().get("nextCursor").asText();
        Response last = h.get("/api/v1/scenarios?limit=1&cursor=" + cursor);
        assertThat(last.body().get("items")).hasSize(1);
        assertThat(last.body().get("nextCursor").isNull()).isTrue();

        String changed = PIPELINE.replace("\"Pipeline\"", "\"Pipeline 2\"");
        Response updated = h.call(HttpMethod.PUT, "/api/v1/scenarios/pipe", json(changed), ADMIN_KEY, Map.of("If-Match", "1"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("version").asInt()).isEqualTo(2);
        assertThat(updated.body().get("name").asText()).isEqualTo("Pipeline 2");
        Response stale = h.call(HttpMethod.PUT, "/api/v1/scenarios/pipe", json(changed), ADMIN_KEY, Map.of("If-Match", "1"));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error()).isEqualTo("conflict");
        assertThat(stale.body().at("/error/message").asText()).contains("not at version 1", "latest: 2");
        Response noIfMatch = h.call(HttpMethod.PUT, "/api/v1/scenarios/pipe", json(changed), ADMIN_KEY);
        assertThat(noIfMatch.status()).isEqualTo(400);
        assertThat(noIfMatch.body().at("/error/message").asText()).contains("If-Match");
        assertThat(h.call(HttpMethod.PUT, "/api/v1/scenarios/ghost", json(changed.replace("\"pipe\"", "\"ghost\"")), ADMIN_KEY,
                Map.of("If-Match", "1")).status()).isEqualTo(404);

        assertThat(h.delete("/api/v1/scenarios/pipe").status()).isEqualTo(204);
        assertThat(h.get("/api/v1/scenarios/pipe").status()).isEqualTo(404);
        assertThat(h.delete("/api/v1/scenarios/pipe").error()).isEqualTo("not_found");
    }

    @Test
    void badScenariosAreRefusedWithEveryProblemAndMalformedJsonNamesThePosition() {
        Response invalid = h.post("/api/v1/scenarios", json("""
                {"id": "bad", "colour": "red", "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "nope"},
                  {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "b", "toNodeId": "b"}]}"""));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.error()).isEqualTo("scenario_invalid");
        assertThat(invalid.body().at("/error/details")).extracting(d -> d.get("path").asText())
                .contains("$.colour", "$.nodes[0].actionId");
        assertThat(invalid.text()).contains("unknown field 'colour'");

        Response malformed = h.post("/api/v1/scenarios", "{\"id\": \"x\",\n \"nodes\": [}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.error()).isEqualTo("invalid_json");
        assertThat(malformed.body().at("/error/message").asText()).contains("line 2, column");

        Response array = h.post("/api/v1/scenarios", "[1, 2]");
        assertThat(array.error()).isEqualTo("bad_request");

        Response deep = h.post("/api/v1/scenarios", "[".repeat(200) + "]".repeat(200));
        assertThat(deep.status()).isEqualTo(400);
        assertThat(deep.error()).isEqualTo("invalid_json");
        assertThat(deep.body().at("/error/message").asText()).contains("nesting depth");

        Response huge = h.post("/api/v1/scenarios", "{\"pad\": \"" + "x".repeat(300 * 1024) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.error()).isEqualTo("payload_too_large");

        Response badCron = h.post("/api/v1/scenarios", json("""
                {"trigger": {"type": "schedule", "cron": "every tuesday"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
        assertThat(badCron.error()).isEqualTo("scenario_invalid");
        assertThat(badCron.body().at("/error/details/0/path").asText()).isEqualTo("$.trigger.cron");

        Response validation = h.post("/api/v1/scenarios/validate", json("""
                {"nodes": [{"id": "a", "integrationId": "nope", "actionId": "x"}]}"""));
        assertThat(validation.status()).isEqualTo(200);
        assertThat(validation.body().get("valid").asBoolean()).isFalse();
        assertThat(validation.body().at("/errors/0/path").asText()).isEqualTo("$.nodes[0].integrationId");
        assertThat(h.post("/api/v1/scenarios/validate", json(PIPELINE)).body().get("valid").asBoolean()).isTrue();
        assertThat(h.get("/api/v1/nothing-here").error()).isEqualTo("not_found");
    }

    @Test
    void executionsStartWaitListShowTheirLogsAndAreRetriedFromTheFailedNode() {
        h.post("/api/v1/scenarios", json(PIPELINE));
        Response accepted = h.post("/api/v1/scenarios/pipe/executions", json("{\"n\": 4}"));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("status").asText()).isEqualTo("queued");
        String id = accepted.body().get("executionId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> "completed".equals(h.get("/api/v1/executions/" + id).body().path("status").asText()));
        JsonNode result = h.get("/api/v1/executions/" + id).body();
        assertThat(result.at("/context/double/n").asInt()).isEqualTo(8);
        assertThat(result.get("nodes")).hasSize(2);
        assertThat(result.at("/nodes/0/attemptHistory")).hasSize(1);

        Response waited = h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 5}"));
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body().get("status").asText()).isEqualTo("completed");
        assertThat(waited.body().at("/context/double/n").asInt()).isEqualTo(10);

        Response list = h.get("/api/v1/executions?scenarioId=pipe&limit=1");
        assertThat(list.body().get("items")).hasSize(1);
        assertThat(list.body().at("/items/0/id").asText()).isEqualTo(waited.body().get("id").asText());
        assertThat(list.body().get("nextCursor").asText()).isNotBlank();
        assertThat(h.get("/api/v1/executions?status=completed").body().get("items")).hasSize(2);
        assertThat(h.get("/api/v1/executions?status=weird").error()).isEqualTo("bad_request");
        assertThat(h.get("/api/v1/executions?limit=501").error()).isEqualTo("bad_request");

        Response logs = h.get("/api/v1/executions/" + id + "/logs");
        assertThat(logs.body().get("items")).anySatisfy(line -> assertThat(line.get("message").asText()).contains("execution completed"));
        assertThat(h.get("/api/v1/executions/nope").error()).isEqualTo("not_found");
        assertThat(h.get("/api/v1/executions/nope/logs").status()).isEqualTo(404);
        assertThat(h.post("/api/v1/scenarios/ghost/executions", json("{}")).status()).isEqualTo(404);

        // A failed execution re-runs from its failed node through the API.
        h.post("/api/v1/scenarios", json("""
                {"id": "flaky", "nodes": [
                  {"id": "first", "integrationId": "core", "actionId": "set", "configuration": {"values": {"a": 1}}},
                  {"id": "call", "integrationId": "core", "actionId": "fail", "retryPolicy": {"maxAttempts": 1},
                   "configuration": {"errorType": "network_error", "failTimes": 1}},
                  {"id": "last", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "first", "toNodeId": "call"}, {"fromNodeId": "call", "toNodeId": "last"}]}"""));
        JsonNode failed = h.post("/api/v1/scenarios/flaky/executions?wait=true", json("{}")).body();
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/error/nodeId").asText()).isEqualTo("call");
        String failedId = failed.get("id").asText();
        // Read back once ended (from the store): one record per node, the one that never started included, as answered.
        JsonNode readBack = h.get("/api/v1/executions/" + failedId).body();
        assertThat(readBack.get("totalNodes").asInt()).isEqualTo(3).isEqualTo(failed.get("totalNodes").asInt());
        assertThat(readBack.at("/nodes/2/nodeId").asText()).isEqualTo("last");
        assertThat(readBack.at("/nodes/2/status").asText()).isEqualTo("pending");
        Response retried = h.post("/api/v1/executions/" + failedId + "/retry?wait=true", null);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body().get("status").asText()).isEqualTo("completed");
        assertThat(retried.body().at("/nodes/1/attemptHistory")).hasSize(2);
        assertThat(retried.body().at("/nodes/0/attempts").asInt()).isEqualTo(1);
        assertThat(retried.body().at("/nodes/2/status").asText()).isEqualTo("completed");
        Response again = h.post("/api/v1/executions/" + failedId + "/retry", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().at("/error/message").asText()).contains("is completed");
    }

    @Test
    void pauseResumeAndCancelFollowTheExecutionsState() {
        h.post("/api/v1/scenarios", json("""
                {"id": "slow", "nodes": [
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 300}},
                  {"id": "then", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 60000}}
                ], "connections": [{"fromNodeId": "wait", "toNodeId": "then"}]}"""));
        String id = h.post("/api/v1/scenarios/slow/executions", json("{}")).body().get("executionId").asText();
        Response paused = h.post("/api/v1/executions/" + id + "/pause", null);
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.body().get("status").asText()).isEqualTo("paused");
        assertThat(h.post("/api/v1/executions/" + id + "/pause", null).status()).isEqualTo(409);
        assertThat(h.post("/api/v1/executions/" + id + "/resume", null).body().get("status").asText()).isEqualTo("running");
        assertThat(h.post("/api/v1/executions/" + id + "/cancel", null).body().get("status").asText()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> "cancelled".equals(h.get("/api/v1/executions/" + id).body().path("status").asText()));
        Response late = h.post("/api/v1/executions/" + id + "/resume", null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.error()).isEqualTo("conflict");
        assertThat(h.post("/api/v1/executions/nope/cancel", null).status()).isEqualTo(404);
    }
}
