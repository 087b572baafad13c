package io.scenariobuilder.core.error;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One resilience4j circuit breaker per integration and connection. A breaker opens when the share of failed calls in
 * its sliding window passes the threshold; while open it rejects calls at once (the engine fails them with
 * {@code circuit_open} and schedules the retry after the breaker's wait); after the wait it lets a few probes
 * through (half-open) and closes when they succeed.
 *
 * <p>Only failures that say something about the service's health count: {@code network_error}, {@code timeout} and
 * {@code generic_error}. A refused credential, a missing record or a bad input is the caller's problem, and a rate
 * limit is a healthy service pushing back with its own wait; those neither count nor reset. The {@code core}
 * integration runs in-process and has no breaker.
 *
 * <p>Transitions are logged (logger {@code io.scenariobuilder.integration}, MDC {@code category=integration}) and
 * counted in the metrics, labelled by integration and connection: {@link #STATE} (0 closed, 1 open, 2 half-open),
 * {@link #TRANSITIONS}, {@link #REJECTED}. Breakers are keyed by strings, never by plugin objects, so they hold no
 * plugin class loader.
 */
public final class CircuitBreakers {

    public static final MetricFamily STATE = MetricFamily.of("sb.circuit_breaker.state", MetricFamily.Kind.GAUGE,
            "sb_circuit_breaker_state", "Circuit breaker state by integration and connection: 0 closed, 1 open, 2 half-open",
            "integration", "connection");
    public static final MetricFamily TRANSITIONS = MetricFamily.of("sb.circuit_breaker.transitions", MetricFamily.Kind.COUNTER,
            "sb_circuit_breaker_transitions", "Circuit breaker state changes", "integration", "connection");
    public static final MetricFamily REJECTED = MetricFamily.of("sb.circuit_breaker.rejected", MetricFamily.Kind.COUNTER,
            "sb_circuit_breaker_rejected", "Calls a circuit breaker refused while open", "integration", "connection");

    private static final Logger LOG = LoggerFactory.getLogger("io.scenariobuilder.integration");
    private static final String NO_CONNECTION = "-";

    private final CircuitBreakerSettings settings;
    private final CircuitBreakerConfig config;
    private final Clock clock;
    private final PlatformMetrics metrics;
    private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

    @Inject
    public CircuitBreakers(CircuitBreakerSettings settings, Clock clock, PlatformMetrics metrics) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(), SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // no timer threads: the next call after the wait probes
                .writableStackTraceEnabled(false)
                .clock(clock)
                .currentTimestampFunction(c -> c.millis(), TimeUnit.MILLISECONDS)
                .build();
    }

    /** The states a breaker reports. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * Asks the breaker of this integration and connection for a call.
     *
     * @param connectionId the connection, or {@code null} for a node without one
     */
    public Call acquire(String integrationId, String connectionId) {
        if (!settings.enabled() || "core".equals(integrationId)) {
            return Call.UNGUARDED;
        }
        Breaker breaker = breakers.computeIfAbsent(key(integrationId, connectionId),
                k -> new Breaker(integrationId, connectionId == null ? NO_CONNECTION : connectionId));
        if (breaker.circuitBreaker.tryAcquirePermission()) {
            return new Call(breaker, 0);
        }
        breaker.rejected.inc();
        return new Call(breaker, breaker.remainingWaitMs());
    }

    /** The state of a breaker, if it exists yet. */
    public Optional<State> state(String integrationId, String connectionId) {
        return Optional.ofNullable(breakers.get(key(integrationId, connectionId))).map(Breaker::state);
    }

    private static String key(String integrationId, String connectionId) {
        return integrationId + "/" + (connectionId == null ? NO_CONNECTION : connectionId);
    }

    /** Whether a failure of this type counts against the service's health. */
    public static boolean counts(ErrorType type) {
        return type == ErrorType.NETWORK_ERROR || type == ErrorType.TIMEOUT || type == ErrorType.GENERIC_ERROR;
    }

    /** One permitted (or rejected) call; report its outcome exactly once. */
    public static final class Call {

        static final Call UNGUARDED = new Call(null, 0);

        private final Breaker breaker;
        private final long rejectedForMs;
        private final long startNanos = System.nanoTime();

        Call(Breaker breaker, long rejectedForMs) {
            this.breaker = breaker;
            this.rejectedForMs = rejectedForMs;
        }

        /** Whether the call may go ahead. */
        public boolean permitted() {
            return breaker == null || rejectedForMs == 0;
        }

        /** For a rejected call: how long until the breaker lets probes through, in ms. */
        public long retryAfterMs() {
            return rejectedForMs;
        }

        /** For a rejected call: why, for people. */
        public String rejection() {
            CircuitBreaker.Metrics m = breaker.circuitBreaker.getMetrics();
            float rate = m.getFailureRate();
            return "circuit breaker of integration '" + breaker.integrationId + "'"
                    + (NO_CONNECTION.equals(breaker.connectionId) ? "" : " (connection '" + breaker.connectionId + "')")
                    + " is open" + (rate >= 0 ? " after " + Math.round(rate) + "% of recent calls failed" : "")
                    + "; calls resume in " + rejectedForMs + " ms";
        }

        /**
         * Reports the outcome of a permitted call.
         *
         * @param failure the failure's type, or {@code null} for a success
         * @return the breaker's new state when this report changed it
         */
        public Optional<State> finished(ErrorType failure) {
            if (breaker == null || !permitted()) {
                return Optional.empty();
            }
            State before = breaker.state();
            long nanos = System.nanoTime() - startNanos;
            if (failure == null) {
                breaker.circuitBreaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            } else if (counts(failure)) {
                breaker.circuitBreaker.onError(nanos, TimeUnit.NANOSECONDS, new ServiceFailure(failure));
            } else {
                breaker.circuitBreaker.releasePermission();
            }
            State after = breaker.state();
            return after == before ? Optional.empty() : Optional.of(after);
        }

        /** The breaker's name for logs: {@code integration/connection}. */
        public String breakerName() {
            return breaker == null ? "" : breaker.circuitBreaker.getName();
        }
    }

    /** What resilience4j records as the failure (no stack trace: it is only counted). */
    private static final class ServiceFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServiceFailure(ErrorType type) {
            super(type.id(), null, false, false);
        }
    }

    private final class Breaker {
        final String integrationId;
        final String connectionId;
        final CircuitBreaker circuitBreaker;
        final Counter rejected;
        final Counter transitions;
        volatile Instant openedAt;

        Breaker(String integrationId, String connectionId) {
            this.integrationId = integrationId;
            this.connectionId = connectionId;
            this.circuitBreaker = CircuitBreaker.of(integrationId + "/" + connectionId, config);
            this.rejected = metrics.counter(REJECTED, integrationId, connectionId);
            this.transitions = metrics.counter(TRANSITIONS, integrationId, connectionId);
            metrics.gauge(STATE, (Gauge<Integer>) () -> state().ordinal(), integrationId, connectionId);
            circuitBreaker.getEventPublisher().onStateTransition(this::transitioned);
        }

        State state() {
            return switch (circuitBreaker.getState()) {
                case OPEN, FORCED_OPEN -> State.OPEN;
                case HALF_OPEN -> State.HALF_OPEN;
                default -> State.CLOSED;
            };
        }

        long remainingWaitMs() {
            Instant opened = openedAt;
            long waited = opened == null ? 0 : Duration.between(opened, clock.instant()).toMillis();
            return Math.max(1, settings.waitInOpenState().toMillis() - waited);
        }

        private void transitioned(CircuitBreakerOnStateTransitionEvent event) {
            transitions.inc();
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = clock.instant();
            }
            MDC.put("category", "integration");
            try {
                String what = "circuit breaker " + circuitBreaker.getName() + ": " + event.getStateTransition().getFromState()
                        + " -> " + event.getStateTransition().getToState();
                if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    LOG.warn("{} (failure rate {}%)", what, Math.round(circuitBreaker.getMetrics().getFailureRate()));
                } else {
                    LOG.info(what);
                }
            } finally {
                MDC.remove("category");
            }
        }
    }
}
