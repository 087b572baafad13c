package io.scenariobuilder.core.engine;

import io.scenariobuilder.api.execution.LogLevel;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of an execution's log.
 *
 * @param timestamp when
 * @param level its level
 * @param category {@code execution}, {@code integration}, {@code system}, {@code security} or {@code performance}
 * @param message the text
 * @param executionId the execution
 * @param scenarioId the scenario
 * @param nodeId the node, or {@code null}
 */
public record LogEntry(Instant timestamp, LogLevel level, String category, String message, String executionId,
        String scenarioId, String nodeId) {

    public LogEntry {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(message, "message");
    }
}
