package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The status of one node in one execution. */
public enum NodeStatus {
    /** Not decided or not started yet. */
    PENDING,
    /** An attempt is running. */
    RUNNING,
    /** An attempt failed; the next one is scheduled. */
    WAITING_RETRY,
    /** Succeeded. */
    COMPLETED,
    /** Failed for good. */
    FAILED,
    /** Every incoming connection was dead. */
    SKIPPED,
    /** Cancelled while running or waiting. */
    CANCELLED;

    /** The wire name. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the node will not change any more in this run. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == SKIPPED || this == CANCELLED;
    }
}
