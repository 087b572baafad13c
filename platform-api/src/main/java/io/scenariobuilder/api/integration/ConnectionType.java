package io.scenariobuilder.api.integration;

import io.scenariobuilder.api.field.DynamicFieldConfig;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The credentials an integration needs, and how to check them. The platform checks a connection's credentials against
 * {@link #fields()} when it is saved (unknown fields, types, required fields, the validation rules), stores every
 * value encrypted, and shows only the {@link #secretFields() secret} ones masked: the others (a user name, an
 * authentication type, a region) are shown, so that the user can see what they saved.
 *
 * <pre>{@code new ConnectionType(List.of(
 *                 DynamicFieldConfig.builder("user", FieldType.INPUT).required(true).build(),
 *                 DynamicFieldConfig.builder("apiKey", FieldType.INPUT).required(true).build()),
 *         credentials -> client.ping(credentials.path("apiKey").asText()),
 *         Set.of("apiKey"))}</pre>
 *
 * @param fields the credential fields
 * @param tester checks a set of credentials, or {@code null} when they cannot be checked
 * @param secretFields the names of the fields whose values are never shown (each one of {@code fields}, kept in their
 *         order); {@code null} makes every field secret, which is what a connection type written before this marker gets
 */
public record ConnectionType(List<DynamicFieldConfig> fields, ConnectionTester tester, Set<String> secretFields) {

    public ConnectionType {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
        Set<String> names = new LinkedHashSet<>();
        fields.forEach(field -> names.add(field.fieldName()));
        if (secretFields == null) {
            secretFields = names;
        } else {
            for (String secret : secretFields) {
                if (!names.contains(secret)) {
                    throw new IllegalArgumentException("secret field '" + secret + "' is not one of the fields " + names);
                }
            }
            names.retainAll(secretFields); // in the fields' order
            secretFields = names;
        }
        secretFields = Collections.unmodifiableSet(secretFields);
    }

    /** A connection type whose every field is secret. */
    public ConnectionType(List<DynamicFieldConfig> fields, ConnectionTester tester) {
        this(fields, tester, null);
    }

    /**
     * Whether a credential's value must never be shown: a secret field, or a key that is not one of the fields (saved
     * before the fields were checked, or by an older version of the plugin).
     */
    public boolean isSecret(String fieldName) {
        return secretFields.contains(fieldName) || fields.stream().noneMatch(field -> field.fieldName().equals(fieldName));
    }
}
