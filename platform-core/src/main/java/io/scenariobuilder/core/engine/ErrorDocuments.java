package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.scenario.CompiledScenario.CompiledNode;
import io.scenariobuilder.core.scenario.CompiledScenario;
import java.time.Instant;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/** The JSON shapes an error takes where scenarios see it: on an error connection, and as an error scenario's trigger. */
final class ErrorDocuments {

    private ErrorDocuments() {
    }

    /** A node's error as scenarios see it: {@code {type, message, retryable, retryAfterMs, attempt, maxAttempts}}. */
    static ObjectNode errorJson(NodeError error) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", error.type().id());
        json.put("message", error.message());
        json.put("retryable", error.retryable());
        if (error.retryAfterMs() == null) {
            json.putNull("retryAfterMs");
        } else {
            json.put("retryAfterMs", error.retryAfterMs());
        }
        json.put("attempt", error.attempt());
        json.put("maxAttempts", error.maxAttempts());
        return json;
    }

    /**
     * The trigger data of an error scenario: {@code {execution, failedNode, error}}. {@code failedNode} is null when
     * no node failed (the scenario's timeout).
     *
     * @param errorOf a node's error, by index
     * @param attemptsOf a node's attempts, by index
     */
    static JsonNode notification(String executionId, CompiledScenario scenario, Instant startTime, ExecutionResult result,
            ExecutionError cause, IntFunction<NodeError> errorOf, IntUnaryOperator attemptsOf) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ObjectNode execution = data.putObject("execution");
        execution.put("id", executionId);
        execution.put("scenarioId", scenario.scenario().id());
        execution.put("scenarioName", scenario.scenario().name());
        execution.put("scenarioVersion", scenario.scenario().version());
        execution.put("status", result.status().id());
        execution.put("startTime", Millis.of(startTime).toString()); // as the result and the API show it
        execution.put("endTime", result.endTime() == null ? null : result.endTime().toString());
        String nodeId = cause == null ? null : cause.nodeId();
        Integer index = nodeId == null ? null : scenario.indexById().get(nodeId);
        NodeError nodeError = index == null ? null : errorOf.apply(index);
        if (index == null) {
            data.putNull("failedNode");
        } else {
            CompiledNode node = scenario.nodes().get(index);
            ObjectNode failedNode = data.putObject("failedNode");
            failedNode.put("id", node.id());
            failedNode.put("name", node.node().name());
            failedNode.put("integrationId", node.node().integrationId());
            failedNode.put("actionId", node.node().actionId());
            failedNode.put("attempts", attemptsOf.applyAsInt(index));
        }
        ObjectNode error = nodeError != null ? errorJson(nodeError) : JsonNodeFactory.instance.objectNode();
        if (nodeError == null) {
            ErrorType type = cause == null ? ErrorType.GENERIC_ERROR : cause.type();
            error.put("type", type.id());
            error.put("message", cause == null ? "failed" : cause.message());
        }
        ErrorType type = nodeError != null ? nodeError.type() : cause == null ? ErrorType.GENERIC_ERROR : cause.type();
        error.put("severity", type.severity().id());
        error.put("category", type.category().id());
        data.set("error", error);
        return data;
    }

    /** Whether a trigger is an error notification: the failure of an error scenario notifies nobody (no loops). */
    static boolean isErrorNotification(JsonNode trigger) {
        return trigger.path("execution").has("id") && trigger.has("failedNode") && trigger.path("error").has("type");
    }
}
