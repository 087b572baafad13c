package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.scenariobuilder.api.execution.LogLevel;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One log line: of an execution (stored with it, streamed live), or of the platform itself (streamed live only).
 * As JSON it is the live stream's shape: {@code {timestamp, level, category, message, context: {executionId,
 * scenarioId, nodeId}, traceId, spanId}}.
 *
 * @param timestamp when
 * @param level its level
 * @param category {@code execution}, {@code integration}, {@code system}, {@code security} or {@code performance}
 * @param message the text
 * @param executionId the execution, or {@code null} for a platform line
 * @param scenarioId the scenario, or {@code null}
 * @param nodeId the node, or {@code null}
 * @param traceId the execution's trace, or {@code null}
 * @param spanId the span the line was written in (a node attempt's, or the execution's), or {@code null}
 */
@JsonPropertyOrder({"timestamp", "level", "category", "message", "context", "traceId", "spanId"})
public record LogEntry(Instant timestamp, LogLevel level, String category, String message, @JsonIgnore String executionId,
        @JsonIgnore String scenarioId, @JsonIgnore String nodeId, String traceId, String spanId) {

    /** The categories of the spec. */
    public static final java.util.List<String> CATEGORIES = java.util.List.of("execution", "integration", "system", "security",
            "performance");

    public LogEntry {
        timestamp = Millis.of(timestamp);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(message, "message");
    }

    /** A line of an execution without trace ids (tests, and lines stored before traces existed). */
    public LogEntry(Instant timestamp, LogLevel level, String category, String message, String executionId, String scenarioId,
            String nodeId) {
        this(timestamp, level, category, message, executionId, scenarioId, nodeId, null, null);
    }

    /** The ids of what the line is about: {@code executionId}, {@code scenarioId}, {@code nodeId} where they apply. */
    @JsonProperty("context")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Map<String, String> context() {
        Map<String, String> context = new LinkedHashMap<>(4);
        if (executionId != null) {
            context.put("executionId", executionId);
        }
        if (scenarioId != null) {
            context.put("scenarioId", scenarioId);
        }
        if (nodeId != null) {
            context.put("nodeId", nodeId);
        }
        return context;
    }
}
