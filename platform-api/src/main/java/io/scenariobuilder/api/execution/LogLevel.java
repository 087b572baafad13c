package io.scenariobuilder.api.execution;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Log levels of execution logs, lowest first; wire names are lower case ({@code info}). */
public enum LogLevel {
    /** Detail for developers. */
    DEBUG,
    /** Normal progress. */
    INFO,
    /** Something unexpected that did not fail the node. */
    WARN,
    /** A failure. */
    ERROR,
    /** A failure that needs a person now. */
    CRITICAL;

    /** The wire name, e.g. {@code info}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level with this wire name (case-insensitive), if any. */
    public static Optional<LogLevel> fromId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        for (LogLevel level : values()) {
            if (level.id().equalsIgnoreCase(id)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
