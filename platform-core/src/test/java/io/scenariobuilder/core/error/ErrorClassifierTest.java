package io.scenariobuilder.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.error.ErrorCategory;
import io.scenariobuilder.api.error.ErrorSeverity;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

    private final ErrorClassifier classifier = new ErrorClassifier();

    @Test
    void aTypedIntegrationExceptionWins() {
        ErrorInfo info = classifier.classify(new CompletionException(IntegrationException.rateLimited("slow", Duration.ofSeconds(3))));
        assertThat(info).isEqualTo(new ErrorInfo(ErrorType.RATE_LIMITED, "slow", true, 3_000L));
        assertThat(classifier.classify(IntegrationException.authenticationFailed("no")).retryable()).isFalse();
        assertThat(classifier.classify(new IntegrationException(ErrorType.GENERIC_ERROR, "x", false, null, null)).retryable()).isFalse();
    }

    @Test
    void otherExceptionsAreClassifiedByTheirTypeAndCauses() {
        assertThat(classifier.classify(new ConnectException("refused")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new UnknownHostException("x.test")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new HttpConnectTimeoutException("slow connect")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new HttpTimeoutException("slow")).type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(classifier.classify(new SocketTimeoutException()).type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(classifier.classify(new ExecutionException(new TimeoutException())).type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(classifier.classify(new IOException("wrapped", new ConnectException("deep"))).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new InterruptedException()).type()).isEqualTo(ErrorType.CANCELLED);
        assertThat(classifier.classify(new java.io.InterruptedIOException("read interrupted")).type()).isEqualTo(ErrorType.CANCELLED);
        assertThat(classifier.classify(new java.util.concurrent.CancellationException()).type()).isEqualTo(ErrorType.CANCELLED);
        assertThat(classifier.classify(new java.net.NoRouteToHostException("no route")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new java.nio.channels.ClosedChannelException()).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new java.net.SocketException("Connection reset")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        // A wait given as a date already past, or longer than a duration can say: now, or as long as can be.
        assertThat(ErrorClassifier.millis(Duration.ofSeconds(-5))).isZero();
        assertThat(ErrorClassifier.millis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(ErrorClassifier.millis(Duration.ofMillis(1500))).isEqualTo(1500);
        assertThat(classifier.classify(new IllegalArgumentException("bad")).type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(classifier.classify(new ExpressionEvaluationException("e", null)).type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        ErrorInfo unknown = classifier.classify(new IllegalStateException());
        assertThat(unknown.type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(unknown.retryable()).isTrue();
        assertThat(unknown.message()).isEqualTo("IllegalStateException");
    }

    @Test
    void errorTypesHaveStableWireNames() {
        assertThat(ErrorType.RATE_LIMITED.id()).isEqualTo("rate_limited");
        assertThat(ErrorType.fromId("circuit_open")).contains(ErrorType.CIRCUIT_OPEN);
        assertThat(ErrorType.fromId("nope")).isEmpty();
        assertThat(ErrorType.fromId(null)).isEmpty();
        assertThat(ErrorType.TIMEOUT.toString()).isEqualTo("timeout");
    }

    /** Like the exceptions of HTTP client libraries: the status behind an accessor. */
    public static final class HttpStatusException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public HttpStatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int getStatusCode() {
            return status;
        }
    }

    @Test
    void withoutATypeTheHttpStatusDecides() {
        assertThat(classifier.classify(new HttpStatusException(429, "x")).type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(classifier.classify(new HttpStatusException(401, "x")).type()).isEqualTo(ErrorType.AUTHENTICATION_FAILED);
        assertThat(classifier.classify(new HttpStatusException(403, "x")).retryable()).isFalse();
        assertThat(classifier.classify(new HttpStatusException(404, "x")).type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new HttpStatusException(504, "x")).type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(classifier.classify(new HttpStatusException(503, "x")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new HttpStatusException(500, "x")).type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(classifier.classify(new HttpStatusException(422, "x")).type()).isEqualTo(ErrorType.INVALID_INPUT);
        // A status in the message, and deeper in the cause chain.
        assertThat(classifier.classify(new RuntimeException("call failed with status 404")).type())
                .isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new RuntimeException("wrapper", new HttpStatusException(401, "inner"))).type())
                .isEqualTo(ErrorType.AUTHENTICATION_FAILED);
        // A 2xx status is not an error: the message decides, then generic.
        assertThat(classifier.classify(new HttpStatusException(200, "odd")).type()).isEqualTo(ErrorType.GENERIC_ERROR);
    }

    /** A library wraps the service's answer: its Retry-After counts wherever it is in the chain, the first one found. */
    @Test
    void aRetryAfterAnywhereInTheCauseChainIsKept() {
        ErrorInfo wrapped = classifier.classify(new RuntimeException("upstream call failed",
                new RuntimeException("HTTP 429; Retry-After: 3")));
        assertThat(wrapped.type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(wrapped.retryAfterMs()).isEqualTo(3_000L);
        ErrorInfo first = classifier.classify(new RuntimeException("Too Many Requests, retry after 4 s",
                new RuntimeException("socket closed")));
        assertThat(first.retryAfterMs()).as("found in the first: a later cause without one does not erase it").isEqualTo(4_000L);
        ErrorInfo both = classifier.classify(new RuntimeException("rate limit hit, retry after 5 s",
                new RuntimeException("Retry-After: 9")));
        assertThat(both.retryAfterMs()).as("the outermost wins").isEqualTo(5_000L);
    }

    @Test
    void thenTheMessageDecidesAndARetryAfterInItIsKept() {
        ErrorInfo limited = classifier.classify(new RuntimeException("Too Many Requests, retry after 7 seconds"));
        assertThat(limited.type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(limited.retryAfterMs()).isEqualTo(7_000L);
        assertThat(classifier.classify(new RuntimeException("HTTP 429; Retry-After: 250ms")).retryAfterMs()).isEqualTo(250L);
        assertThat(classifier.classify(new RuntimeException("Invalid API key")).type()).isEqualTo(ErrorType.AUTHENTICATION_FAILED);
        assertThat(classifier.classify(new RuntimeException("customer 7 not found")).type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new RuntimeException("read timed out")).type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(classifier.classify(new RuntimeException("Connection reset by peer")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(classifier.classify(new RuntimeException("something odd")).type()).isEqualTo(ErrorType.GENERIC_ERROR);
    }

    @Test
    void theTypeWinsOverTheStatusAndTheStatusOverTheMessage() {
        // A ConnectException saying "not found" is still a network error.
        assertThat(classifier.classify(new ConnectException("host not found")).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        // A 500 whose message says "rate limit" follows its status.
        assertThat(classifier.classify(new HttpStatusException(500, "rate limit backend crashed")).type())
                .isEqualTo(ErrorType.GENERIC_ERROR);
        // The typed exception wins over everything.
        assertThat(classifier.classify(IntegrationException.invalidInput("HTTP 429 too many requests")).type())
                .isEqualTo(ErrorType.INVALID_INPUT);
    }

    @Test
    void everyErrorTypeHasSeverityCategoryAndDefaults() {
        assertThat(ErrorType.RATE_LIMITED.severity()).isEqualTo(ErrorSeverity.WARNING);
        assertThat(ErrorType.RATE_LIMITED.category()).isEqualTo(ErrorCategory.EXTERNAL);
        assertThat(ErrorType.RATE_LIMITED.defaultDelay()).contains(Duration.ofSeconds(60));
        assertThat(ErrorType.AUTHENTICATION_FAILED.severity()).isEqualTo(ErrorSeverity.HIGH);
        assertThat(ErrorType.AUTHENTICATION_FAILED.category()).isEqualTo(ErrorCategory.SECURITY);
        assertThat(ErrorType.AUTHENTICATION_FAILED.retryableByDefault()).isFalse();
        assertThat(ErrorType.AUTHENTICATION_FAILED.suggestedAction()).contains("credentials");
        assertThat(ErrorType.RESOURCE_NOT_FOUND.category()).isEqualTo(ErrorCategory.DATA);
        assertThat(ErrorType.TIMEOUT.defaultDelay()).contains(Duration.ofSeconds(5));
        assertThat(ErrorType.TIMEOUT.category()).isEqualTo(ErrorCategory.PERFORMANCE);
        assertThat(ErrorType.NETWORK_ERROR.defaultDelay()).contains(Duration.ofSeconds(10));
        assertThat(ErrorType.NETWORK_ERROR.category()).isEqualTo(ErrorCategory.INFRASTRUCTURE);
        assertThat(ErrorType.GENERIC_ERROR.defaultDelay()).contains(Duration.ofSeconds(30));
        assertThat(ErrorType.GENERIC_ERROR.category()).isEqualTo(ErrorCategory.UNKNOWN);
        for (ErrorType type : ErrorType.values()) {
            // Retryable types say how long to wait; the others do not.
            assertThat(type.defaultDelay().isPresent()).as(type.id()).isEqualTo(type.retryableByDefault());
            assertThat(type.severity()).isNotNull();
            assertThat(type.category()).isNotNull();
            assertThat(type.suggestedAction()).isNotBlank();
        }
        assertThat(ErrorSeverity.HIGH.id()).isEqualTo("high");
        assertThat(ErrorCategory.SECURITY.toString()).isEqualTo("security");
    }

    @Test
    void statusRangesEndWhereHttpsDo() {
        assertThat(ErrorClassifier.byStatus(399)).isNull();
        assertThat(ErrorClassifier.byStatus(400)).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(ErrorClassifier.byStatus(499)).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(ErrorClassifier.byStatus(500)).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(ErrorClassifier.byStatus(599)).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(ErrorClassifier.byStatus(600)).isNull();
    }

    /** A plugin's own exception with a status accessor. */
    public static final class Status extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object status;

        Status(Object status, String message) {
            super(message);
            this.status = status;
        }

        public Object statusCode() {
            return status;
        }
    }

    /** An enum-like status, as HTTP libraries have (HttpStatus.NOT_FOUND.value()). */
    public enum LibraryStatus {
        NOT_FOUND(404);

        private final int value;

        LibraryStatus(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    @Test
    void anAccessorsStatusCountsOnlyInHttpsRangeAndEnumLikeStatusesAreRead() {
        assertThat(classifier.classify(new Status(99, "upstream said status 404")).type()).as("99 is no status: the message's 404")
                .isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new Status(100, "upstream said status 404")).type()).as("100 is a status, not an error")
                .isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(classifier.classify(new Status(599, "x")).type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(classifier.classify(new Status(600, "upstream said status 404")).type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new Status(LibraryStatus.NOT_FOUND, "x")).type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        assertThat(classifier.classify(new Status("404", "x")).type()).as("text is not read as a status").isEqualTo(ErrorType.GENERIC_ERROR);
    }

    @Test
    void aStatusDeepInTheCauseChainIsFoundToSixteenLevels() {
        Throwable at16 = new HttpStatusException(404, "inner");
        for (int i = 0; i < 15; i++) {
            at16 = new RuntimeException("wrapper " + i, at16);
        }
        assertThat(classifier.classify(at16).type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        Throwable at17 = new RuntimeException("one more", at16);
        assertThat(classifier.classify(at17).type()).as("past sixteen levels the search stops").isEqualTo(ErrorType.GENERIC_ERROR);
    }

    @Test
    void aRetryAfterIsReadOnlyForErrorsWorthRetrying() {
        assertThat(classifier.classify(new RuntimeException("Connection reset by peer, retry after 2s")).retryAfterMs()).isEqualTo(2_000L);
        assertThat(classifier.classify(new RuntimeException("Invalid API key; retry after 5 s")).retryAfterMs()).isNull();
        assertThat(ErrorClassifier.retryAfterIn(null)).isNull();
        assertThat(ErrorClassifier.retryAfterIn("no hint here")).isNull();
        long largest = Long.MAX_VALUE / 1_000;
        assertThat(ErrorClassifier.retryAfterIn("retry after " + largest + " s")).isEqualTo(largest * 1_000);
        assertThat(ErrorClassifier.retryAfterIn("retry after " + (largest + 1) + " s")).isEqualTo(Long.MAX_VALUE);
        // Every digit counts: a long wait is not read as its first few digits.
        assertThat(ErrorClassifier.retryAfterIn("Retry-After: 1234567890123 ms")).isEqualTo(1_234_567_890_123L);
        assertThat(ErrorClassifier.retryAfterIn("retry after " + "9".repeat(40) + "ms")).as("past a long").isEqualTo(Long.MAX_VALUE);
    }
}
