package io.scenariobuilder.core.scenario;

import java.util.Objects;

/**
 * A directed edge between two nodes.
 *
 * @param fromNodeId the source node
 * @param toNodeId the target node
 * @param condition a bare JSONata expression that must be truthy for the connection to be taken, or {@code null}
 * @param on which outcome of the source it follows
 */
public record Connection(String fromNodeId, String toNodeId, String condition, Outcome on) {

    public Connection {
        Objects.requireNonNull(fromNodeId, "fromNodeId");
        Objects.requireNonNull(toNodeId, "toNodeId");
        on = Objects.requireNonNullElse(on, Outcome.SUCCESS);
    }

    /** The outcome of the source node a connection follows. */
    public enum Outcome {
        /** The source completed (or failed under {@code continue}). */
        SUCCESS,
        /** The source failed for good under {@code route} or {@code continue}; carries the error as input. */
        ERROR;

        /** The wire name. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
