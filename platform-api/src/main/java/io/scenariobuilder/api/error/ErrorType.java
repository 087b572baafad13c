package io.scenariobuilder.api.error;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of error types. Every failure of a node carries one, so the engine decides about retries
 * and error routes without guessing from messages.
 *
 * <p>The {@link #id()} is the wire name used in scenarios, results and the API ({@code rate_limited}, ...).
 */
public enum ErrorType {
    /** The remote service asked us to slow down; honour its retry-after. Retryable. */
    RATE_LIMITED(true),
    /** Credentials were refused. Not retryable: the connection needs new credentials. */
    AUTHENTICATION_FAILED(false),
    /** The addressed resource does not exist. Not retryable. */
    RESOURCE_NOT_FOUND(false),
    /** The action or a remote call took too long. Retryable. */
    TIMEOUT(true),
    /** A connection could not be made or broke. Retryable. */
    NETWORK_ERROR(true),
    /** The action's input or configuration is wrong. Not retryable. */
    INVALID_INPUT(false),
    /** Anything not classified more precisely. Retryable. */
    GENERIC_ERROR(true),
    /** An expression failed at run time. Not retryable. Raised by the engine. */
    EXPRESSION_ERROR(false),
    /** The integration's circuit breaker is open. Retryable after the breaker's wait. Raised by the engine. */
    CIRCUIT_OPEN(true),
    /** The node was cancelled (execution cancelled). Not retryable. Raised by the engine. */
    CANCELLED(false);

    private static final Map<String, ErrorType> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorType::id, Function.identity()));

    private final boolean retryableByDefault;

    ErrorType(boolean retryableByDefault) {
        this.retryableByDefault = retryableByDefault;
    }

    /** The wire name, e.g. {@code rate_limited}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an error of this type is retried when the thrower does not say otherwise. */
    public boolean retryableByDefault() {
        return retryableByDefault;
    }

    /** The type with this wire name, if any. */
    public static Optional<ErrorType> fromId(String id) {
        return Optional.ofNullable(id == null ? null : BY_ID.get(id));
    }

    @Override
    public String toString() {
        return id();
    }
}
