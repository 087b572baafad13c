package io.scenariobuilder.api.field;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration field of an action (or credential field of a connection). The platform validates
 * configuration against these specs when a scenario is saved and again before a node runs.
 *
 * <pre>{@code
 * DynamicFieldConfig.builder("sheet", FieldType.SELECT)
 *         .label("Sheet")
 *         .required(true)
 *         .fetchOptions(new FetchOptions(List.of("spreadsheetId"), 60_000, false))
 *         .build();
 * }</pre>
 *
 * @param fieldName the configuration key
 * @param type the kind of value
 * @param label display label
 * @param description longer help
 * @param required whether the key must be present
 * @param defaultValue the value used when absent, or {@code null}
 * @param validation rules the value must follow
 * @param fetchOptions set when the options are fetched by the plugin, else {@code null}
 * @param ui editor hints
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DynamicFieldConfig(
        String fieldName,
        FieldType type,
        String label,
        String description,
        boolean required,
        JsonNode defaultValue,
        ValidationRules validation,
        FetchOptions fetchOptions,
        FieldUi ui) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    public DynamicFieldConfig {
        Objects.requireNonNull(fieldName, "fieldName");
        if (!NAME.matcher(fieldName).matches()) {
            throw new IllegalArgumentException("field name must match " + NAME.pattern() + ": '" + fieldName + "'");
        }
        Objects.requireNonNull(type, "type");
        label = Objects.requireNonNullElse(label, fieldName);
        description = Objects.requireNonNullElse(description, "");
        validation = Objects.requireNonNullElse(validation, ValidationRules.NONE);
        ui = Objects.requireNonNullElse(ui, FieldUi.NONE);
    }

    /** Starts a field spec. */
    public static Builder builder(String fieldName, FieldType type) {
        return new Builder(fieldName, type);
    }

    /** Builds a {@link DynamicFieldConfig}. */
    public static final class Builder {
        private final String fieldName;
        private final FieldType type;
        private String label;
        private String description;
        private boolean required;
        private JsonNode defaultValue;
        private ValidationRules validation;
        private FetchOptions fetchOptions;
        private FieldUi ui;

        private Builder(String fieldName, FieldType type) {
            this.fieldName = fieldName;
            this.type = type;
        }

        /** Sets the label. */
        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /** Sets the description. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Sets whether the field must be present. */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /** Sets the default value. */
        public Builder defaultValue(JsonNode defaultValue) {
            this.defaultValue = defaultValue;
            return this;
        }

        /** Sets the validation rules. */
        public Builder validation(ValidationRules validation) {
            this.validation = validation;
            return this;
        }

        /** Marks the options as fetched by the plugin. */
        public Builder fetchOptions(FetchOptions fetchOptions) {
            this.fetchOptions = fetchOptions;
            return this;
        }

        /** Sets editor hints. */
        public Builder ui(FieldUi ui) {
            this.ui = ui;
            return this;
        }

        /** Builds the spec, checking it. */
        public DynamicFieldConfig build() {
            return new DynamicFieldConfig(fieldName, type, label, description, required, defaultValue, validation, fetchOptions, ui);
        }
    }
}
