package io.scenariobuilder.core.engine;

import io.scenariobuilder.api.error.ErrorType;
import java.util.Objects;

/**
 * Why an execution did not complete.
 *
 * @param type the error type
 * @param message what went wrong
 * @param nodeId the node whose failure ended it, or {@code null} (timeout, cancel)
 */
public record ExecutionError(ErrorType type, String message, String nodeId) {

    public ExecutionError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
