package io.scenariobuilder.api.integration;

import io.scenariobuilder.api.field.DynamicFieldConfig;
import java.util.List;
import java.util.Objects;

/**
 * The credentials an integration needs, and how to check them.
 *
 * <pre>{@code new ConnectionType(List.of(DynamicFieldConfig.builder("apiKey", FieldType.INPUT).required(true).build()),
 *         credentials -> client.ping(credentials.path("apiKey").asText()))}</pre>
 *
 * @param fields the credential fields (all values are stored encrypted)
 * @param tester checks a set of credentials, or {@code null} when they cannot be checked
 */
public record ConnectionType(List<DynamicFieldConfig> fields, ConnectionTester tester) {

    public ConnectionType {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
    }
}
