package io.scenariobuilder.api.error;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
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
    /**
     * The remote service asked us to slow down; its retry-after is honoured. Retryable; without a retry-after the
     * engine waits at least {@link #defaultDelay()} (60 s) under the platform's default policy.
     */
    RATE_LIMITED(true, ErrorSeverity.WARNING, ErrorCategory.EXTERNAL, Duration.ofSeconds(60),
            "wait, or lower how often the scenario calls this service"),
    /** Credentials were refused. Not retryable: the connection needs new credentials. */
    AUTHENTICATION_FAILED(false, ErrorSeverity.HIGH, ErrorCategory.SECURITY, null,
            "update the connection's credentials"),
    /** The addressed resource does not exist. Not retryable. */
    RESOURCE_NOT_FOUND(false, ErrorSeverity.MEDIUM, ErrorCategory.DATA, null,
            "check the ids or paths the node sends"),
    /** The action or a remote call took too long. Retryable. */
    TIMEOUT(true, ErrorSeverity.MEDIUM, ErrorCategory.PERFORMANCE, Duration.ofSeconds(5),
            "raise the node's timeoutMs if the service is just slow"),
    /** A connection could not be made or broke. Retryable. */
    NETWORK_ERROR(true, ErrorSeverity.MEDIUM, ErrorCategory.INFRASTRUCTURE, Duration.ofSeconds(10),
            "check that the service is up and reachable from the server"),
    /** The action's input or configuration is wrong. Not retryable. */
    INVALID_INPUT(false, ErrorSeverity.MEDIUM, ErrorCategory.DATA, null,
            "fix the node's configuration or the data mapped into it"),
    /** Anything not classified more precisely. Retryable. */
    GENERIC_ERROR(true, ErrorSeverity.MEDIUM, ErrorCategory.UNKNOWN, Duration.ofSeconds(30),
            "read the message; retries may help"),
    /** An expression failed at run time. Not retryable. Raised by the engine. */
    EXPRESSION_ERROR(false, ErrorSeverity.MEDIUM, ErrorCategory.SCENARIO, null,
            "fix the expression; the message names it"),
    /**
     * The integration's circuit breaker is open: recent calls with this connection mostly failed. Retryable after the
     * breaker's wait. Raised by the engine.
     */
    CIRCUIT_OPEN(true, ErrorSeverity.HIGH, ErrorCategory.INFRASTRUCTURE, Duration.ofSeconds(30),
            "the service keeps failing; calls resume on their own after the breaker's wait"),
    /**
     * The action would have sent a connection's credentials to a host its {@code allowedHosts} does not list; nothing
     * was sent. Not retryable.
     *
     * @since 1.3.0
     */
    FORBIDDEN_HOST(false, ErrorSeverity.HIGH, ErrorCategory.SECURITY, null,
            "call a host the connection allows, or have the connection's owner add the host to its allowedHosts"),
    /**
     * The execution was running at each of the last unclean stops of the server, so it may be what crashed it; it was
     * not resumed. Retryable by hand only. Raised by the engine.
     *
     * @since 1.3.0
     */
    CRASH_SUSPECTED(false, ErrorSeverity.CRITICAL, ErrorCategory.EXECUTION, null,
            "look at what the execution's last running node does (a runaway expression, a huge payload) before retrying it"),
    /**
     * The platform itself failed this execution: its store refused one of the execution's writes for good (data the
     * database cannot hold, a constraint), or the engine hit a bug. Not retried on its own; a retry by hand runs it on
     * from what was stored. Raised by the engine.
     *
     * @since 1.3.0
     */
    INTERNAL_ERROR(false, ErrorSeverity.CRITICAL, ErrorCategory.EXECUTION, null,
            "read the server log for the execution's id; retry it once the cause is fixed"),
    /** The node was cancelled (execution cancelled). Not retryable. Raised by the engine. */
    CANCELLED(false, ErrorSeverity.LOW, ErrorCategory.EXECUTION, null, "none");

    private static final Map<String, ErrorType> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorType::id, Function.identity()));

    private final boolean retryableByDefault;
    private final ErrorSeverity severity;
    private final ErrorCategory category;
    private final Duration defaultDelay;
    private final String suggestedAction;

    ErrorType(boolean retryableByDefault, ErrorSeverity severity, ErrorCategory category, Duration defaultDelay,
            String suggestedAction) {
        this.retryableByDefault = retryableByDefault;
        this.severity = severity;
        this.category = category;
        this.defaultDelay = defaultDelay;
        this.suggestedAction = suggestedAction;
    }

    /** How bad an error of this type is. */
    public ErrorSeverity severity() {
        return severity;
    }

    /** Where errors of this type come from. */
    public ErrorCategory category() {
        return category;
    }

    /**
     * The typical wait before retrying an error of this type, for retryable types; empty for the others. A guide for
     * an integration's default {@code RetryPolicy}; the engine itself uses it only for {@link #RATE_LIMITED} errors
     * that give no retry-after (see {@code docs/errors-and-retries.md}).
     */
    public Optional<Duration> defaultDelay() {
        return Optional.ofNullable(defaultDelay);
    }

    /** What a person can do about an error of this type, in a few words. */
    public String suggestedAction() {
        return suggestedAction;
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
