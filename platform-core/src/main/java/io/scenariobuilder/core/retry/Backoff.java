package io.scenariobuilder.core.retry;

import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.random.RandomGenerator;

/**
 * Retry delays: {@code min(maxDelay, base * multiplier^(attempt-1))}, with jitter, and never less than a
 * {@code Retry-After} the remote side gave. Computed in doubles so that attempt 1,000 with multiplier 10 gives the
 * cap rather than an overflow.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * The delay before the attempt after {@code failedAttempt}.
     *
     * @param failedAttempt the attempt that just failed, from 1
     * @param retryAfterMs the remote side's wait, or {@code null}
     * @param random the jitter source (seeded in tests)
     */
    public static long delayMs(RetryPolicy policy, int failedAttempt, Long retryAfterMs, RandomGenerator random) {
        double exponential = policy.baseDelayMs() * Math.pow(policy.backoffMultiplier(), Math.max(0, failedAttempt - 1));
        long delay = exponential >= policy.maxDelayMs() || Double.isNaN(exponential)
                ? policy.maxDelayMs()
                : (long) exponential;
        if (policy.jitter() && delay > 1) {
            // "Equal jitter": half fixed, half random, so a retry never comes much earlier than planned.
            long half = delay / 2;
            delay = half + random.nextLong(delay - half + 1);
        }
        if (retryAfterMs != null && retryAfterMs > delay) {
            delay = retryAfterMs;
        }
        return delay;
    }
}
