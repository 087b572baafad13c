package io.scenariobuilder.core.error;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns anything an action throws into an {@link ErrorInfo}. A plugin's {@link IntegrationException} wins; anything
 * else is classified from its type (and its causes' types), as a fallback.
 */
public final class ErrorClassifier {

    /** Classifies a throwable. */
    public ErrorInfo classify(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof IntegrationException e) {
            return new ErrorInfo(e.type(), message(e), e.retryable(), e.retryAfter().map(d -> d.toMillis()).orElse(null));
        }
        if (t instanceof ExpressionEvaluationException e) {
            return ErrorInfo.of(ErrorType.EXPRESSION_ERROR, e.getMessage());
        }
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            ErrorType type = byType(cause);
            if (type != null) {
                return ErrorInfo.of(type, message(t));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return ErrorInfo.of(ErrorType.GENERIC_ERROR, message(t));
    }

    private static ErrorType byType(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return ErrorType.NETWORK_ERROR;
        }
        if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return ErrorType.TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof ClosedChannelException || t instanceof java.net.SocketException) {
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
