package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * A state change of an execution or of one of its nodes, as the live events stream sends it:
 * {@code {type: "node" | "execution", executionId, scenarioId, nodeId?, status, timestamp, attempt?, errorType?}}.
 *
 * @param type {@code execution} or {@code node}
 * @param executionId the execution
 * @param scenarioId its scenario
 * @param nodeId the node, for a node event
 * @param status the new status ({@link ExecutionStatus} or {@link NodeStatus} wire name)
 * @param timestamp when
 * @param attempt a node's attempts so far, for a node event
 * @param errorType the error type of a failed node or execution, else {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "executionId", "scenarioId", "nodeId", "status", "timestamp", "attempt", "errorType"})
public record ExecutionEvent(String type, String executionId, String scenarioId, String nodeId, String status, Instant timestamp,
        Integer attempt, String errorType) {

    public ExecutionEvent {
        timestamp = Millis.of(timestamp);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** An execution's new status. */
    public static ExecutionEvent execution(String executionId, String scenarioId, ExecutionStatus status, Instant at, String errorType) {
        return new ExecutionEvent("execution", executionId, scenarioId, null, status.id(), at, null, errorType);
    }

    /** A node's new status. */
    public static ExecutionEvent node(String executionId, String scenarioId, String nodeId, NodeStatus status, Instant at, int attempt,
            String errorType) {
        return new ExecutionEvent("node", executionId, scenarioId, nodeId, status.id(), at, attempt, errorType);
    }
}
