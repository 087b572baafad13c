package io.scenariobuilder.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * What the store keeps of a scenario (and what a resumed execution runs): every part written, nothing that was not
 * set, and read back equal. A part lost here is a part an execution loses across a restart.
 */
class ScenarioWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScenarioParser parser = new ScenarioParser();

    private JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void everyPartIsWrittenAndReadBackEqual() throws Exception {
        Scenario full = parser.parseOrThrow("""
                {"id": "orders", "name": "Orders", "version": 7,
                 "trigger": {"type": "webhook", "path": "orders/new", "method": "PUT", "secret": "s3", "exposeErrors": true},
                 "settings": {"maxConcurrentNodes": 3, "timeoutMs": 60000}, "errorScenarioId": "alerts",
                 "nodes": [
                   {"id": "call", "name": "Call the shop", "integrationId": "http", "actionId": "request", "connectionId": "shop",
                    "configuration": {"url": "https://shop.example/{{ input.id }}"}, "timeoutMs": 5000,
                    "retryPolicy": {"maxAttempts": 4, "baseDelayMs": 100, "backoffMultiplier": 3, "maxDelayMs": 9000, "jitter": false},
                    "onError": "route", "position": {"x": 10, "y": -4}},
                   {"id": "log", "integrationId": "core", "actionId": "log"}],
                 "connections": [
                   {"fromNodeId": "call", "toNodeId": "log", "condition": "output.status = 200"},
                   {"fromNodeId": "call", "toNodeId": "log", "on": "error"}]}""", "x");

        JsonNode written = ScenarioWriter.write(full);

        assertThat(json(written.toString())).as("as JSON text").isEqualTo(json("""
                {"id": "orders", "name": "Orders", "version": 7,
                 "trigger": {"type": "webhook", "path": "orders/new", "method": "PUT", "secret": "s3", "exposeErrors": true},
                 "settings": {"maxConcurrentNodes": 3, "timeoutMs": 60000}, "errorScenarioId": "alerts",
                 "nodes": [
                   {"id": "call", "name": "Call the shop", "integrationId": "http", "actionId": "request", "connectionId": "shop",
                    "configuration": {"url": "https://shop.example/{{ input.id }}"}, "timeoutMs": 5000,
                    "retryPolicy": {"maxAttempts": 4, "baseDelayMs": 100, "backoffMultiplier": 3.0, "maxDelayMs": 9000, "jitter": false},
                    "onError": "route", "position": {"x": 10, "y": -4}},
                   {"id": "log", "integrationId": "core", "actionId": "log", "configuration": {}, "onError": "fail"}],
                 "connections": [
                   {"fromNodeId": "call", "toNodeId": "log", "condition": "output.status = 200", "on": "success"},
                   {"fromNodeId": "call", "toNodeId": "log", "on": "error"}]}"""));
        assertThat(parser.parseOrThrow(written.toString(), "x")).isEqualTo(full);
    }

    @Test
    void whatWasNotSetIsNotWritten() throws Exception {
        Scenario bare = parser.parseOrThrow("""
                {"id": "bare", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""", "x");
        JsonNode written = ScenarioWriter.write(bare);

        assertThat(written.has("errorScenarioId")).isFalse();
        assertThat(written.get("trigger")).isEqualTo(json("{\"type\": \"manual\"}"));
        assertThat(written.get("settings").has("timeoutMs")).isFalse();
        JsonNode node = written.at("/nodes/0");
        for (String unset : new String[] {"connectionId", "timeoutMs", "retryPolicy", "position"}) {
            assertThat(node.has(unset)).as(unset).isFalse();
        }
        assertThat(parser.parseOrThrow(written.toString(), "x")).isEqualTo(bare);

        Scenario scheduled = parser.parseOrThrow("""
                {"id": "nightly", "trigger": {"type": "schedule", "cron": "0 2 * * *", "timezone": "Europe/Paris"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""", "x");
        assertThat(ScenarioWriter.write(scheduled).get("trigger"))
                .isEqualTo(json("{\"type\": \"schedule\", \"cron\": \"0 2 * * *\", \"timezone\": \"Europe/Paris\"}"));
        Scenario hook = parser.parseOrThrow("""
                {"id": "hook", "trigger": {"type": "webhook", "path": "in"}, "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""",
                "x");
        assertThat(ScenarioWriter.write(hook).get("trigger")).isEqualTo(json("{\"type\": \"webhook\", \"path\": \"in\", \"method\": \"POST\"}"));
        assertThat(parser.parseOrThrow(ScenarioWriter.write(scheduled).toString(), "x")).isEqualTo(scheduled);
    }
}
