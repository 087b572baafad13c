package io.scenariobuilder.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Random random = new Random(7);

    @Test
    void delaysGrowExponentiallyUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, 100, 2.0, 1_000, false);
        assertThat(Backoff.delayMs(policy, 1, null, random)).isEqualTo(100);
        assertThat(Backoff.delayMs(policy, 2, null, random)).isEqualTo(200);
        assertThat(Backoff.delayMs(policy, 4, null, random)).isEqualTo(800);
        assertThat(Backoff.delayMs(policy, 5, null, random)).isEqualTo(1_000);
    }

    @Test
    void hugeAttemptNumbersGiveTheCapNotAnOverflow() {
        RetryPolicy policy = new RetryPolicy(1_000, 1_000, 10.0, 60_000, false);
        assertThat(Backoff.delayMs(policy, 1_000, null, random)).isEqualTo(60_000);
        assertThat(Backoff.delayMs(new RetryPolicy(3, Long.MAX_VALUE, 1_000, Long.MAX_VALUE, true), 999, null, random))
                .isPositive();
    }

    @Test
    void jitterStaysBetweenHalfAndAllOfTheDelay() {
        RetryPolicy policy = new RetryPolicy(5, 1_000, 2.0, 60_000, true);
        for (int i = 0; i < 1_000; i++) {
            assertThat(Backoff.delayMs(policy, 2, null, random)).isBetween(1_000L, 2_000L);
        }
    }

    @Test
    void retryAfterWinsWhenLarger() {
        RetryPolicy policy = new RetryPolicy(5, 100, 2.0, 1_000, false);
        assertThat(Backoff.delayMs(policy, 1, 5_000L, random)).isEqualTo(5_000);
        assertThat(Backoff.delayMs(policy, 1, 10L, random)).isEqualTo(100);
    }

    @Test
    void theSameSeedGivesTheSameJitteredSequence() {
        RetryPolicy policy = new RetryPolicy(6, 1_000, 2.0, 10_000, true);
        long[] first = new long[5];
        long[] second = new long[5];
        Random a = new Random(42);
        Random b = new Random(42);
        for (int attempt = 1; attempt <= 5; attempt++) {
            first[attempt - 1] = Backoff.delayMs(policy, attempt, null, a);
            second[attempt - 1] = Backoff.delayMs(policy, attempt, null, b);
        }
        assertThat(first).containsExactly(second);
        // Each stays in its band: half to all of 1 s, 2 s, 4 s, 8 s, then the 10 s cap.
        long[] planned = {1_000, 2_000, 4_000, 8_000, 10_000};
        for (int i = 0; i < 5; i++) {
            assertThat(first[i]).isBetween(planned[i] / 2, planned[i]);
        }
    }

    @Test
    void aRateLimitWithoutRetryAfterWaitsTheTypesDefaultOnlyUnderThePlatformPolicy() {
        assertThat(Backoff.retryAfterMs(ErrorType.RATE_LIMITED, null, true)).isEqualTo(60_000L);
        assertThat(Backoff.retryAfterMs(ErrorType.RATE_LIMITED, 2_000L, true)).isEqualTo(2_000L);
        assertThat(Backoff.retryAfterMs(ErrorType.RATE_LIMITED, null, false)).isNull();
        assertThat(Backoff.retryAfterMs(ErrorType.NETWORK_ERROR, null, true)).isNull();
        assertThat(Backoff.delayMs(RetryPolicy.PLATFORM_DEFAULT, 1, Backoff.retryAfterMs(ErrorType.RATE_LIMITED, null, true), random))
                .isEqualTo(60_000);
    }

    /** A random source that always draws its lowest value. */
    private static final java.util.random.RandomGenerator LOWEST = () -> 0L;

    @Test
    void jitterTakesUpToHalfOffAndLeavesAOneMillisecondDelayAlone() {
        RetryPolicy jittered = new RetryPolicy(3, 1_000, 2.0, 60_000, true);
        assertThat(Backoff.delayMs(jittered, 1, null, LOWEST)).as("the lowest draw: half").isEqualTo(500);
        RetryPolicy tiny = new RetryPolicy(3, 1, 1.0, 60_000, true);
        assertThat(Backoff.delayMs(tiny, 1, null, LOWEST)).as("1 ms is not halved to 0").isEqualTo(1);
    }
}
