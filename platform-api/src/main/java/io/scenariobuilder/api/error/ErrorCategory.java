package io.scenariobuilder.api.error;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an error comes from, to group errors in logs and metrics. */
public enum ErrorCategory {
    /** The remote service's own limits (rate limits). */
    EXTERNAL,
    /** Credentials and permissions. */
    SECURITY,
    /** The data a node addresses or sends (missing records, bad input). */
    DATA,
    /** Something took too long. */
    PERFORMANCE,
    /** Networks, hosts and services being down. */
    INFRASTRUCTURE,
    /** The scenario itself: expressions, configuration. */
    SCENARIO,
    /** The execution's own life: cancellation. */
    EXECUTION,
    /** Not known more precisely. */
    UNKNOWN;

    /** The wire name, e.g. {@code security}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
