package io.scenariobuilder.core.error;

import io.scenariobuilder.api.error.ErrorType;
import java.util.Objects;

/**
 * A classified failure.
 *
 * @param type the error type
 * @param message what went wrong
 * @param retryable whether a retry may succeed
 * @param retryAfterMs how long the remote side asked us to wait, or {@code null}
 */
public record ErrorInfo(ErrorType type, String message, boolean retryable, Long retryAfterMs) {

    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        message = Objects.requireNonNullElse(message, type.id());
    }

    /** An error of {@code type} with the type's default retryability. */
    public static ErrorInfo of(ErrorType type, String message) {
        return new ErrorInfo(type, message, type.retryableByDefault(), null);
    }
}
