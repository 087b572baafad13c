package io.scenariobuilder.core.scenario;

import java.util.Objects;

/**
 * One problem found in a scenario document.
 *
 * @param path where, as a JSON path such as {@code $.nodes[2].configuration.url}
 * @param message what is wrong, for people
 */
public record ScenarioProblem(String path, String message) {

    public ScenarioProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
