package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One node's record in an execution result.
 *
 * @param nodeId the node
 * @param status its status
 * @param attempts attempts made so far
 * @param startTime when its first attempt started, or {@code null}
 * @param endTime when it reached its final status, or {@code null}
 * @param duration milliseconds from start to end, or {@code null}
 * @param output its output (JSON null when none)
 * @param error its last error, or {@code null}
 * @param nextAttemptAt when a node waiting for a retry makes its next attempt, else {@code null}
 * @param attemptHistory every attempt so far, oldest first
 */
public record NodeRecord(
        String nodeId,
        NodeStatus status,
        int attempts,
        Instant startTime,
        Instant endTime,
        Long duration,
        JsonNode output,
        NodeError error,
        Instant nextAttemptAt,
        java.util.List<AttemptRecord> attemptHistory) {

    public NodeRecord {
        startTime = Millis.of(startTime);
        endTime = Millis.of(endTime);
        nextAttemptAt = Millis.of(nextAttemptAt);
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(status, "status");
        attemptHistory = attemptHistory == null ? java.util.List.of() : java.util.List.copyOf(attemptHistory);
    }

    /** A record without attempt history. */
    public NodeRecord(String nodeId, NodeStatus status, int attempts, Instant startTime, Instant endTime, Long duration,
            JsonNode output, NodeError error, Instant nextAttemptAt) {
        this(nodeId, status, attempts, startTime, endTime, duration, output, error, nextAttemptAt, java.util.List.of());
    }

    /** A record without a scheduled retry. */
    public NodeRecord(String nodeId, NodeStatus status, int attempts, Instant startTime, Instant endTime, Long duration,
            JsonNode output, NodeError error) {
        this(nodeId, status, attempts, startTime, endTime, duration, output, error, null);
    }
}
