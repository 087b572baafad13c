package io.scenariobuilder.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * How the circuit breakers (one per integration and connection) decide.
 *
 * @param enabled whether calls go through breakers at all
 * @param failureRateThreshold the percentage of failed calls in the window at which a breaker opens (1 to 100)
 * @param slidingWindowSize how many of the latest calls the failure rate is computed over
 * @param minimumNumberOfCalls calls a breaker must have seen before it may open
 * @param waitInOpenState how long an open breaker rejects calls before it lets probes through (half-open)
 * @param permittedCallsInHalfOpenState the probes a half-open breaker lets through; their failure rate closes or
 *     reopens it
 */
public record CircuitBreakerSettings(boolean enabled, float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
        Duration waitInOpenState, int permittedCallsInHalfOpenState) {

    public CircuitBreakerSettings {
        Objects.requireNonNull(waitInOpenState, "waitInOpenState");
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
            throw new IllegalArgumentException("failureRateThreshold must be in (0, 100]: " + failureRateThreshold);
        }
        if (slidingWindowSize < 1 || minimumNumberOfCalls < 1 || permittedCallsInHalfOpenState < 1) {
            throw new IllegalArgumentException("window size, minimum calls and half-open calls must be at least 1");
        }
        if (waitInOpenState.isNegative() || waitInOpenState.isZero()) {
            throw new IllegalArgumentException("waitInOpenState must be positive: " + waitInOpenState);
        }
    }

    /** Opens at 50% failures over the last 20 calls (at least 10 seen), waits 30 s, then lets 3 probes through. */
    public static CircuitBreakerSettings defaults() {
        return new CircuitBreakerSettings(true, 50, 20, 10, Duration.ofSeconds(30), 3);
    }

    /** No breakers: every call goes through. */
    public static CircuitBreakerSettings disabled() {
        return new CircuitBreakerSettings(false, 50, 20, 10, Duration.ofSeconds(30), 3);
    }
}
