package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The status of an execution. */
public enum ExecutionStatus {
    /** Accepted, not started yet. */
    QUEUED,
    /** Nodes are running or ready. */
    RUNNING,
    /** No new node starts until resumed; running nodes finish. */
    PAUSED,
    /** Every node completed, was skipped, or failed under {@code continue} or {@code route}. */
    COMPLETED,
    /** A node failed for good under {@code fail}, or the execution timed out. */
    FAILED,
    /** Cancelled on request. */
    CANCELLED,
    /** Parked after a {@code break}; can be retried. */
    INCOMPLETE;

    /** The wire name. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether nothing more will happen to the execution by itself. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == INCOMPLETE;
    }

    /** The status with this wire name, if any. */
    public static Optional<ExecutionStatus> fromId(String id) {
        for (ExecutionStatus status : values()) {
            if (status.id().equals(id)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
