package io.scenariobuilder.api.field;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;

/**
 * One choice of a select field.
 *
 * <pre>{@code FieldOption.of("Sheet 1", "sheet-1")}</pre>
 *
 * @param label what people see
 * @param value what the configuration stores
 */
public record FieldOption(String label, JsonNode value) {

    public FieldOption {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(value, "value");
    }

    /** An option whose value is a string. */
    public static FieldOption of(String label, String value) {
        return new FieldOption(label, TextNode.valueOf(value));
    }
}
