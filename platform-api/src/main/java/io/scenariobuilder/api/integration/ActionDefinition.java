package io.scenariobuilder.api.integration;

import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.OptionsProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One action of an integration: its configuration fields and the executor that runs it.
 *
 * <pre>{@code
 * ActionDefinition.builder("request", new HttpRequest())
 *         .name("HTTP request")
 *         .field(DynamicFieldConfig.builder("url", FieldType.INPUT).required(true).build())
 *         .defaultRetryPolicy(new RetryPolicy(5, 500, 2.0, 30_000, true))
 *         .build();
 * }</pre>
 *
 * @param id unique within the integration, {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param name display name
 * @param description what it does
 * @param fields its configuration fields; configuration keys outside them are rejected
 * @param defaultRetryPolicy the retry policy when a node names none, or {@code null} for the platform's
 * @param executor runs the action
 * @param optionsProviders option providers by field name, for fields with {@code fetchOptions}
 */
public record ActionDefinition(
        String id,
        String name,
        String description,
        List<DynamicFieldConfig> fields,
        RetryPolicy defaultRetryPolicy,
        NodeExecutor executor,
        Map<String, OptionsProvider> optionsProviders) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public ActionDefinition {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("action id must match " + ID.pattern() + ": '" + id + "'");
        }
        name = Objects.requireNonNullElse(name, id);
        description = Objects.requireNonNullElse(description, "");
        fields = List.copyOf(fields);
        Objects.requireNonNull(executor, "executor");
        optionsProviders = Map.copyOf(optionsProviders);
        Set<String> names = new HashSet<>();
        for (DynamicFieldConfig field : fields) {
            if (!names.add(field.fieldName())) {
                throw new IllegalArgumentException("action '" + id + "' declares field '" + field.fieldName() + "' twice");
            }
        }
        for (String field : optionsProviders.keySet()) {
            if (!names.contains(field)) {
                throw new IllegalArgumentException("action '" + id + "' has an options provider for unknown field '" + field + "'");
            }
        }
    }

    /** The field with this name, if any. */
    public Optional<DynamicFieldConfig> field(String fieldName) {
        for (DynamicFieldConfig field : fields) {
            if (field.fieldName().equals(fieldName)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    /** Starts a definition of action {@code id} run by {@code executor}. */
    public static Builder builder(String id, NodeExecutor executor) {
        return new Builder(id, executor);
    }

    /** Builds an {@link ActionDefinition}. */
    public static final class Builder {
        private final String id;
        private final NodeExecutor executor;
        private String name;
        private String description;
        private final List<DynamicFieldConfig> fields = new ArrayList<>();
        private RetryPolicy defaultRetryPolicy;
        private final Map<String, OptionsProvider> optionsProviders = new LinkedHashMap<>();

        private Builder(String id, NodeExecutor executor) {
            this.id = id;
            this.executor = executor;
        }

        /** Sets the display name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets the description. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds a configuration field. */
        public Builder field(DynamicFieldConfig field) {
            fields.add(field);
            return this;
        }

        /** Sets the retry policy used when a node names none. */
        public Builder defaultRetryPolicy(RetryPolicy policy) {
            this.defaultRetryPolicy = policy;
            return this;
        }

        /** Registers the provider of a field's options. */
        public Builder optionsProvider(String fieldName, OptionsProvider provider) {
            optionsProviders.put(fieldName, provider);
            return this;
        }

        /** Builds the definition, checking it. */
        public ActionDefinition build() {
            return new ActionDefinition(id, name, description, fields, defaultRetryPolicy, executor, optionsProviders);
        }
    }
}
