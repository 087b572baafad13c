package io.scenariobuilder.api.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception a plugin throws to report a typed failure.
 *
 * <pre>{@code
 * if (response.statusCode() == 429) {
 *     throw IntegrationException.rateLimited("shop API throttled us", Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Anything else a plugin throws is classified by the engine from its type and message, as a fallback.
 */
public class IntegrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorType type;
    private final boolean retryable;
    private final Duration retryAfter;

    /**
     * @param type the error type
     * @param message what went wrong, for people; never include credentials
     * @param retryable whether a retry may succeed
     * @param retryAfter how long the remote side asked us to wait, or {@code null}
     * @param cause the underlying exception, or {@code null}
     */
    public IntegrationException(ErrorType type, String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.type = Objects.requireNonNull(type, "type");
        this.retryable = retryable;
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** An error of {@code type} with that type's default retryability. */
    public IntegrationException(ErrorType type, String message) {
        this(type, message, type.retryableByDefault(), null, null);
    }

    /** An error of {@code type} with that type's default retryability and a cause. */
    public IntegrationException(ErrorType type, String message, Throwable cause) {
        this(type, message, type.retryableByDefault(), null, cause);
    }

    /** The remote side throttled us; retry no sooner than {@code retryAfter} (may be {@code null}). */
    public static IntegrationException rateLimited(String message, Duration retryAfter) {
        return new IntegrationException(ErrorType.RATE_LIMITED, message, true, retryAfter, null);
    }

    /** The remote side throttled us; retry no sooner than {@code retryAfter}. */
    public static IntegrationException rateLimited(Duration retryAfter) {
        return rateLimited("rate limited", retryAfter);
    }

    /** The credentials were refused. */
    public static IntegrationException authenticationFailed(String message) {
        return new IntegrationException(ErrorType.AUTHENTICATION_FAILED, message);
    }

    /** The addressed resource does not exist. */
    public static IntegrationException resourceNotFound(String message) {
        return new IntegrationException(ErrorType.RESOURCE_NOT_FOUND, message);
    }

    /** A call took too long. */
    public static IntegrationException timeout(String message) {
        return new IntegrationException(ErrorType.TIMEOUT, message);
    }

    /** A connection could not be made or broke. */
    public static IntegrationException networkError(String message, Throwable cause) {
        return new IntegrationException(ErrorType.NETWORK_ERROR, message, cause);
    }

    /** The input or configuration is wrong; retrying will not help. */
    public static IntegrationException invalidInput(String message) {
        return new IntegrationException(ErrorType.INVALID_INPUT, message);
    }

    /**
     * The action would send a connection's credentials to {@code host}, which the connection's {@code allowedHosts}
     * does not list; nothing was sent.
     *
     * @since 1.3.0
     */
    public static IntegrationException forbiddenHost(String host, java.util.Collection<String> allowedHosts) {
        return new IntegrationException(ErrorType.FORBIDDEN_HOST, "the connection's credentials may not be sent to host '" + host
                + "' (its allowedHosts: " + (allowedHosts == null || allowedHosts.isEmpty() ? "none" : String.join(", ", allowedHosts))
                + "); nothing was sent");
    }

    /** An unclassified, retryable failure. */
    public static IntegrationException genericError(String message, Throwable cause) {
        return new IntegrationException(ErrorType.GENERIC_ERROR, message, cause);
    }

    /** The error type. */
    public ErrorType type() {
        return type;
    }

    /** Whether a retry may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** How long the remote side asked us to wait before retrying, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
