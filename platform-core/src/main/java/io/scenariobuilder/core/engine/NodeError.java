package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scenariobuilder.api.error.ErrorType;
import java.util.Objects;

/**
 * A node's error as the execution result shows it.
 *
 * @param type the error type
 * @param message what went wrong
 * @param retryable whether it was retryable
 * @param retryAfterMs the wait the remote side asked for, or {@code null}
 * @param attempt the attempt that failed
 * @param maxAttempts the attempts the policy allowed
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NodeError(ErrorType type, String message, boolean retryable, Long retryAfterMs, int attempt, int maxAttempts) {

    public NodeError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
