package io.scenariobuilder.core.retry;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.random.RandomGenerator;

/**
 * Retry delays: {@code min(maxDelay, base * multiplier^(attempt-1))}, with jitter, and never less than a
 * {@code Retry-After} the remote side gave, but never more than the platform's maximum (default 1 h). Computed in
 * doubles so that attempt 1,000 with multiplier 10 gives the cap rather than an overflow; any input, however large or
 * negative, gives a delay between 0 and the maximum.
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
        return delayMs(policy, failedAttempt, retryAfterMs, random, io.scenariobuilder.core.engine.EngineSettings.DEFAULT_MAX_RETRY_DELAY_MS);
    }

    /**
     * The delay before the attempt after {@code failedAttempt}, at most {@code platformMaxMs}: a {@code Retry-After} of
     * a year (or an overflowing one) parks nobody's node for longer.
     */
    public static long delayMs(RetryPolicy policy, int failedAttempt, Long retryAfterMs, RandomGenerator random, long platformMaxMs) {
        return Math.max(0, Math.min(platformMaxMs, uncapped(policy, failedAttempt, retryAfterMs, random)));
    }

    private static long uncapped(RetryPolicy policy, int failedAttempt, Long retryAfterMs, RandomGenerator random) {
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

    /**
     * The retry-after to honour for an error: its own, or for a {@code rate_limited} error that gave none, the
     * type's default delay (60 s) when the node runs under the platform's default policy. A rate limit without a
     * wait still means "slow down"; an explicit policy (the node's or the integration's) is taken as it is.
     */
    public static Long retryAfterMs(ErrorType type, Long retryAfterMs, boolean platformDefaultPolicy) {
        if (retryAfterMs != null || type != ErrorType.RATE_LIMITED || !platformDefaultPolicy) {
            return retryAfterMs;
        }
        return type.defaultDelay().map(java.time.Duration::toMillis).orElse(null);
    }
}
