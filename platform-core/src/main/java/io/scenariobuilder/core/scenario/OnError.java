package io.scenariobuilder.core.scenario;

import java.util.Locale;
import java.util.Optional;

/** What happens when a node has failed for good (retries exhausted or not retryable). */
public enum OnError {
    /** The execution fails: no new node starts. */
    FAIL,
    /** The node is failed, its output is {@code {"error": ...}}, and its connections proceed. */
    CONTINUE,
    /** Only its {@code "on": "error"} connections proceed, carrying the error as input. */
    ROUTE,
    /** The execution is parked as {@code incomplete}, all state kept, to be retried later. */
    BREAK;

    /** The wire name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode with this wire name, if any. */
    public static Optional<OnError> fromId(String id) {
        for (OnError mode : values()) {
            if (mode.id().equals(id)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
