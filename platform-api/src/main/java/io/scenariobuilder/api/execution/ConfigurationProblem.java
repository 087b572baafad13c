package io.scenariobuilder.api.execution;

import java.util.Objects;

/**
 * One problem in a node's configuration, found by {@link NodeExecutor#validate}.
 *
 * <pre>{@code new ConfigurationProblem("url", "must start with http:// or https://")}</pre>
 *
 * @param field the configuration field (a dotted path inside {@code configuration}), or empty for the whole
 * @param message what is wrong, for people
 */
public record ConfigurationProblem(String field, String message) {

    public ConfigurationProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
