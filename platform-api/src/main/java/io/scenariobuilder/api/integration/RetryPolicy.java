package io.scenariobuilder.api.integration;

/**
 * How often and how patiently a failed node is retried.
 *
 * <pre>{@code new RetryPolicy(5, 1_000, 2.0, 60_000, true)}</pre>
 *
 * @param maxAttempts attempts in all, counting the first; 1 means no retry
 * @param baseDelayMs the delay before the second attempt
 * @param backoffMultiplier each later delay is the previous one times this
 * @param maxDelayMs the cap on any delay
 * @param jitter whether delays are randomised (between 50% and 100% of the computed delay) to spread retries
 */
public record RetryPolicy(int maxAttempts, long baseDelayMs, double backoffMultiplier, long maxDelayMs, boolean jitter) {

    /** The platform's default: 3 attempts, 1 s base, x2, 60 s cap, jitter on. */
    public static final RetryPolicy PLATFORM_DEFAULT = new RetryPolicy(3, 1_000, 2.0, 60_000, true);

    /** No retry at all. */
    public static final RetryPolicy NONE = new RetryPolicy(1, 0, 1.0, 0, false);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (baseDelayMs < 0 || maxDelayMs < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
            throw new IllegalArgumentException("backoffMultiplier must be a finite number >= 1: " + backoffMultiplier);
        }
    }
}
