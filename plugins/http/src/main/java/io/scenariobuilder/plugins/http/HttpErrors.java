package io.scenariobuilder.plugins.http;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Types an HTTP answer that is an error, so the engine retries only what may succeed later. */
final class HttpErrors {

    private HttpErrors() {
    }

    /**
     * The error for a status, or {@code null} for 1xx-3xx.
     *
     * @param request {@code "GET https://host/path"} (no query: it may hold an API key)
     * @param excerpt the start of the response body, for the message
     */
    static IntegrationException forStatus(int status, HttpHeaders headers, String request, String excerpt) {
        if (status < 400) {
            return null;
        }
        String message = request + " answered " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
        Duration retryAfter = headers.firstValue("Retry-After").map(v -> retryAfter(v, Clock.systemUTC())).orElse(null);
        if (status == 429) {
            return new IntegrationException(ErrorType.RATE_LIMITED, message, true, retryAfter, null);
        }
        if (status == 401 || status == 403) {
            return new IntegrationException(ErrorType.AUTHENTICATION_FAILED, message, false, null, null);
        }
        if (status == 404 || status == 410) {
            return new IntegrationException(ErrorType.RESOURCE_NOT_FOUND, message, false, null, null);
        }
        if (status == 408) {
            return new IntegrationException(ErrorType.TIMEOUT, message, true, retryAfter, null);
        }
        if (status >= 500) {
            return new IntegrationException(ErrorType.GENERIC_ERROR, message, true, retryAfter, null);
        }
        return new IntegrationException(ErrorType.INVALID_INPUT, message, false, null, null);
    }

    /** A {@code Retry-After} value, in seconds or as an HTTP date; {@code null} when it is neither. */
    static Duration retryAfter(String value, Clock clock) {
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
