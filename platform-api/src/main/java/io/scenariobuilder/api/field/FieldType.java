package io.scenariobuilder.api.field;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * The kind of value a configuration field holds; the wire names are those of the SPI spec, plus {@code json}
 * for free-form JSON values (objects, arrays), which the spec's types cannot express.
 */
public enum FieldType {
    /** One value from a list of options. */
    SELECT("select"),
    /** Several values (a JSON array) from a list of options. */
    MULTI_SELECT("multi-select"),
    /** A one-line string. */
    INPUT("input"),
    /** A multi-line string. */
    TEXTAREA("textarea"),
    /** An ISO-8601 date ({@code 2026-11-26}). */
    DATE("date"),
    /** An ISO-8601 date-time with offset ({@code 2026-11-26T18:00:00Z}). */
    DATETIME("datetime"),
    /** A number. */
    NUMBER("number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("boolean"),
    /** Any JSON value, templates resolved inside its strings. */
    JSON("json");

    private final String id;

    FieldType(String id) {
        this.id = id;
    }

    /** The wire name, e.g. {@code multi-select}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The type with this wire name, if any. */
    public static Optional<FieldType> fromId(String id) {
        for (FieldType type : values()) {
            if (type.id.equals(id)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
