package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An execution's state, as the spec's execution result document.
 *
 * @param id the execution id
 * @param scenarioId the scenario
 * @param scenarioVersion the scenario version it runs
 * @param status its status
 * @param startTime when it started
 * @param endTime when it ended, or {@code null}
 * @param duration milliseconds from start to end, or {@code null}
 * @param completedNodes nodes that completed
 * @param failedNodes nodes that failed
 * @param totalNodes nodes in the scenario
 * @param context node outputs by node id (completed nodes, and failed ones under {@code continue})
 * @param error why it did not complete, or {@code null}
 * @param nodes one record per node, in scenario order
 * @param traceId the W3C trace id of the execution (its node attempts are spans of it), or {@code null} for executions
 *     stored before traces existed
 * @param trigger the trigger data it started with (the first nodes' input)
 */
public record ExecutionResult(
        String id,
        String scenarioId,
        int scenarioVersion,
        ExecutionStatus status,
        Instant startTime,
        Instant endTime,
        Long duration,
        int completedNodes,
        int failedNodes,
        int totalNodes,
        ObjectNode context,
        ExecutionError error,
        List<NodeRecord> nodes,
        String traceId,
        com.fasterxml.jackson.databind.JsonNode trigger) {

    public ExecutionResult {
        startTime = Millis.of(startTime);
        endTime = Millis.of(endTime);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        nodes = List.copyOf(nodes);
    }

    /** The record of one node. */
    public Optional<NodeRecord> node(String nodeId) {
        return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
    }

    /** The record of one node, which must exist. */
    @JsonIgnore
    public NodeRecord requireNode(String nodeId) {
        return node(nodeId).orElseThrow(() -> new IllegalArgumentException("no node '" + nodeId + "' in execution " + id));
    }
}
