package io.scenariobuilder.core.error;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns anything an action throws into an {@link ErrorInfo}. A plugin's {@link IntegrationException} wins. Anything
 * else is classified, as a fallback, in this order: by its type (and its causes' types), then by an HTTP status it
 * carries (an accessor such as {@code statusCode()} or {@code getStatus()}, as HTTP client libraries' exceptions
 * have), then by its message ({@code 429}, {@code Unauthorized}, {@code connection refused}...). What matches
 * nothing is a retryable {@code generic_error}.
 */
public final class ErrorClassifier {

    /** Accessors that HTTP client exceptions use for the status code (JDK, Vert.x, Spring, JAX-RS, OkHttp...). */
    private static final List<String> STATUS_ACCESSORS = List.of("statusCode", "getStatusCode", "getStatus", "status", "code",
            "getCode", "getRawStatusCode");

    private static final Pattern RETRY_AFTER = Pattern.compile(
            "retry[- _]?after\\D{0,3}(\\d+)\\s*(ms|millis|milliseconds|s|sec|secs|seconds)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern STATUS_IN_MESSAGE = Pattern.compile(
            "(?:\\bstatus(?:\\s*code)?|\\bHTTP(?:/\\d(?:\\.\\d)?)?|\\bcode|\\bresponse)\\W{0,3}([1-5]\\d\\d)\\b", Pattern.CASE_INSENSITIVE);

    /** Message fragments, lower case, checked in this order. */
    private static final List<MessageRule> MESSAGE_RULES = List.of(
            new MessageRule(ErrorType.RATE_LIMITED, "too many requests", "rate limit", "ratelimit", "throttl", "quota exceeded"),
            new MessageRule(ErrorType.AUTHENTICATION_FAILED, "unauthorized", "unauthorised", "forbidden", "authentication failed",
                    "invalid api key", "invalid token", "token expired", "access denied", "permission denied", "invalid credentials"),
            new MessageRule(ErrorType.RESOURCE_NOT_FOUND, "not found", "no such", "does not exist"),
            new MessageRule(ErrorType.TIMEOUT, "timed out", "timeout", "deadline exceeded"),
            new MessageRule(ErrorType.NETWORK_ERROR, "connection refused", "connection reset", "unknown host", "broken pipe",
                    "network is unreachable", "no route to host", "connection closed", "service unavailable", "bad gateway"));

    private record MessageRule(ErrorType type, String... fragments) {
    }

    /** Classifies a throwable. */
    public ErrorInfo classify(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof IntegrationException e) {
            return new ErrorInfo(e.type(), message(e), e.retryable(), e.retryAfter().map(ErrorClassifier::millis).orElse(null));
        }
        if (t instanceof ExpressionEvaluationException e) {
            return ErrorInfo.of(ErrorType.EXPRESSION_ERROR, e.getMessage());
        }
        String message = message(t);
        for (Throwable cause : chain(t)) {
            ErrorType type = byType(cause);
            if (type != null) {
                return ErrorInfo.of(type, message);
            }
        }
        for (Throwable cause : chain(t)) {
            Integer status = statusOf(cause);
            if (status != null) {
                ErrorType type = byStatus(status);
                if (type != null) {
                    return withRetryAfter(type, message, chain(t));
                }
            }
        }
        for (Throwable cause : chain(t)) {
            ErrorType type = byMessage(cause.getMessage());
            if (type != null) {
                return withRetryAfter(type, message, chain(t));
            }
        }
        return ErrorInfo.of(ErrorType.GENERIC_ERROR, message);
    }

    /** The error type an HTTP status means, or {@code null} for statuses that are not errors. */
    public static ErrorType byStatus(int status) {
        return switch (status) {
            case 429 -> ErrorType.RATE_LIMITED;
            case 401, 403, 407 -> ErrorType.AUTHENTICATION_FAILED;
            case 404, 410 -> ErrorType.RESOURCE_NOT_FOUND;
            case 408, 504 -> ErrorType.TIMEOUT;
            case 502, 503 -> ErrorType.NETWORK_ERROR;
            default -> status >= 500 && status <= 599 ? ErrorType.GENERIC_ERROR
                    : status >= 400 && status <= 499 ? ErrorType.INVALID_INPUT
                    : null;
        };
    }

    private static ErrorInfo withRetryAfter(ErrorType type, String message, List<Throwable> chain) {
        Long retryAfterMs = null;
        if (type.retryableByDefault()) {
            for (Throwable cause : chain) {
                retryAfterMs = retryAfterIn(cause.getMessage());
                if (retryAfterMs != null) {
                    break;
                }
            }
        }
        return new ErrorInfo(type, message, type.retryableByDefault(), retryAfterMs);
    }

    /** A duration in milliseconds, 0 when negative, {@code Long.MAX_VALUE} when it does not fit (never an overflow). */
    static long millis(java.time.Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        try {
            return duration.toMillis();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** A "retry after N [s|ms]" in a message, in milliseconds (seconds when no unit is given, as the header means). */
    public static Long retryAfterIn(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = RETRY_AFTER.matcher(message);
        if (!m.find()) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException tooLong) {
            amount = Long.MAX_VALUE; // more digits than a long holds: as long as can be (the engine caps every wait)
        }
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return unit.startsWith("m") ? amount : amount > Long.MAX_VALUE / 1_000 ? Long.MAX_VALUE : amount * 1_000;
    }

    private static ErrorType byType(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return ErrorType.NETWORK_ERROR;
        }
        if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return ErrorType.TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof ClosedChannelException || t instanceof SocketException) {
            return ErrorType.NETWORK_ERROR;
        }
        if (t instanceof InterruptedException || t instanceof InterruptedIOException || t instanceof CancellationException) {
            return ErrorType.CANCELLED;
        }
        if (t instanceof IllegalArgumentException) {
            return ErrorType.INVALID_INPUT;
        }
        return null;
    }

    /** An HTTP status the exception carries through a public, no-argument accessor, or in its message. */
    private static Integer statusOf(Throwable t) {
        for (String name : STATUS_ACCESSORS) {
            Integer status = invokeStatus(t, name);
            if (status != null) {
                return status;
            }
        }
        String message = t.getMessage();
        if (message != null) {
            Matcher m = STATUS_IN_MESSAGE.matcher(message);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return null;
    }

    private static Integer invokeStatus(Throwable t, String name) {
        Method method;
        try {
            method = t.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
        try {
            method.trySetAccessible(); // a public accessor of a non-public class (a plugin's own exception)
            Object value = method.invoke(t);
            if (value instanceof Number n) {
                int status = n.intValue();
                return status >= 100 && status <= 599 ? status : null;
            }
            // Enum-like statuses (HttpStatus.NOT_FOUND) often expose value()/code().
            if (value != null && !(value instanceof CharSequence)) {
                for (String inner : List.of("value", "code", "getStatusCode", "getCode")) {
                    try {
                        Object v = value.getClass().getMethod(inner).invoke(value);
                        if (v instanceof Number n && n.intValue() >= 100 && n.intValue() <= 599) {
                            return n.intValue();
                        }
                    } catch (ReflectiveOperationException | RuntimeException ignored) {
                        // this accessor is not there: try the next
                    }
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // an accessor that fails tells us nothing: fall through to the message
        }
    }

    private static ErrorType byMessage(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (MessageRule rule : MESSAGE_RULES) {
            for (String fragment : rule.fragments()) {
                if (lower.contains(fragment)) {
                    return rule.type();
                }
            }
        }
        return null;
    }

    private static List<Throwable> chain(Throwable t) {
        List<Throwable> chain = new java.util.ArrayList<>(4);
        for (Throwable cause = t; cause != null && chain.size() < 16 && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String message(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
