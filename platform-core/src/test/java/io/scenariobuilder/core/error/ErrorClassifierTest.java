package io.scenariobuilder.core.error;

import static org.assertj.core.api.Assertions.assertThat;

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
}
