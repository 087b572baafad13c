package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.integration.RetryPolicy;

/**
 * Writes a {@link Scenario} back as a scenario document (format v1), the inverse of {@link ScenarioParser}: what a
 * durable store keeps so that an execution can be resumed with exactly the scenario it started with.
 */
public final class ScenarioWriter {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ScenarioWriter() {
    }

    /** The scenario as a JSON document that {@link ScenarioParser} reads back to an equal scenario. */
    public static ObjectNode write(Scenario scenario) {
        ObjectNode out = JSON.objectNode();
        out.put("id", scenario.id());
        out.put("name", scenario.name());
        out.put("version", scenario.version());
        out.set("trigger", trigger(scenario.trigger()));
        ObjectNode settings = out.putObject("settings");
        settings.put("maxConcurrentNodes", scenario.settings().maxConcurrentNodes());
        if (scenario.settings().timeoutMs() != null) {
            settings.put("timeoutMs", scenario.settings().timeoutMs());
        }
        if (scenario.errorScenarioId() != null) {
            out.put("errorScenarioId", scenario.errorScenarioId());
        }
        var nodes = out.putArray("nodes");
        for (Node node : scenario.nodes()) {
            ObjectNode n = nodes.addObject();
            n.put("id", node.id());
            if (node.name() != null) {
                n.put("name", node.name());
            }
            n.put("integrationId", node.integrationId());
            n.put("actionId", node.actionId());
            if (node.connectionId() != null) {
                n.put("connectionId", node.connectionId());
            }
            n.set("configuration", node.configuration());
            if (node.timeoutMs() != null) {
                n.put("timeoutMs", node.timeoutMs());
            }
            if (node.retryPolicy() != null) {
                n.set("retryPolicy", retryPolicy(node.retryPolicy()));
            }
            n.put("onError", node.onError().id());
            if (node.position() != null) {
                n.putObject("position").put("x", node.position().x()).put("y", node.position().y());
            }
        }
        var connections = out.putArray("connections");
        for (Connection connection : scenario.connections()) {
            ObjectNode c = connections.addObject();
            c.put("fromNodeId", connection.fromNodeId());
            c.put("toNodeId", connection.toNodeId());
            if (connection.condition() != null) {
                c.put("condition", connection.condition());
            }
            c.put("on", connection.on().id());
        }
        return out;
    }

    private static JsonNode trigger(Trigger trigger) {
        ObjectNode out = JSON.objectNode();
        out.put("type", trigger.type());
        switch (trigger) {
            case Trigger.Manual manual -> {
            }
            case Trigger.Webhook webhook -> {
                out.put("path", webhook.path());
                out.put("method", webhook.method());
                if (webhook.secret() != null) {
                    out.put("secret", webhook.secret());
                }
                if (webhook.exposeErrors()) {
                    out.put("exposeErrors", true);
                }
            }
            case Trigger.Schedule schedule -> {
                out.put("cron", schedule.cron());
                out.put("timezone", schedule.timezone());
            }
        }
        return out;
    }

    private static JsonNode retryPolicy(RetryPolicy policy) {
        ObjectNode out = JSON.objectNode();
        out.put("maxAttempts", policy.maxAttempts());
        out.put("baseDelayMs", policy.baseDelayMs());
        out.put("backoffMultiplier", policy.backoffMultiplier());
        out.put("maxDelayMs", policy.maxDelayMs());
        out.put("jitter", policy.jitter());
        return out;
    }
}
