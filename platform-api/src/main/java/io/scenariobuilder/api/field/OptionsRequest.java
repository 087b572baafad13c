package io.scenariobuilder.api.field;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What an {@link OptionsProvider} gets.
 *
 * @param credentials the decrypted credentials of the chosen connection (an empty object without one)
 * @param values the current values of the fields the field depends on
 */
public record OptionsRequest(JsonNode credentials, JsonNode values) {

    public OptionsRequest {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(values, "values");
    }
}
