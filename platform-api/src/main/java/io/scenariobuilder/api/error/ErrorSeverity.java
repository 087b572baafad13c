package io.scenariobuilder.api.error;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How bad an error is, for people and alerting. Ordered from least to most severe. */
public enum ErrorSeverity {
    /** Expected now and then; nothing to do (a cancelled node). */
    LOW,
    /** The remote side pushes back; it sorts itself out (a rate limit). */
    WARNING,
    /** A node failed; worth a look when it repeats. */
    MEDIUM,
    /** Needs a person: credentials refused, an integration down long enough to open its breaker. */
    HIGH,
    /** The platform itself cannot go on (its store failed). */
    CRITICAL;

    /** The wire name, e.g. {@code high}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
