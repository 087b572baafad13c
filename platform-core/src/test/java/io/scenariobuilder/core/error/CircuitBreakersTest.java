package io.scenariobuilder.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.error.CircuitBreakers.Call;
import io.scenariobuilder.core.error.CircuitBreakers.State;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final PlatformMetrics platformMetrics = new PlatformMetrics(new MetricRegistry(), clock);
    private final MetricRegistry metrics = platformMetrics.registry();
    // Opens at 50% failures over the last 4 calls (all 4 seen), waits 10 s, closes after 2 good probes.
    private final CircuitBreakers breakers = new CircuitBreakers(
            new CircuitBreakerSettings(true, 50, 4, 4, Duration.ofSeconds(10), 2), clock, platformMetrics);

    private Optional<State> call(String integration, String connection, ErrorType outcome) {
        Call call = breakers.acquire(integration, connection);
        assertThat(call.permitted()).as("call permitted").isTrue();
        return call.finished(outcome);
    }

    @Test
    void opensAtTheThresholdRejectsFastHalfOpensAfterTheWaitAndClosesOnSuccess() {
        call("shop", "prod", null);
        call("shop", "prod", ErrorType.NETWORK_ERROR);
        assertThat(call("shop", "prod", null)).isEmpty();
        assertThat(breakers.state("shop", "prod")).contains(State.CLOSED);
        // The fourth call fills the window: 2 of 4 failed = 50%, the threshold.
        assertThat(call("shop", "prod", ErrorType.TIMEOUT)).contains(State.OPEN);

        Call rejected = breakers.acquire("shop", "prod");
        assertThat(rejected.permitted()).isFalse();
        assertThat(rejected.retryAfterMs()).isEqualTo(10_000);
        assertThat(rejected.rejection()).contains("'shop'", "'prod'", "is open", "50%", "10000 ms");
        clock.advance(Duration.ofSeconds(4));
        assertThat(breakers.acquire("shop", "prod").retryAfterMs()).isEqualTo(6_000);

        clock.advance(Duration.ofSeconds(6).plusMillis(1));
        Call probe = breakers.acquire("shop", "prod");
        assertThat(probe.permitted()).isTrue();
        assertThat(breakers.state("shop", "prod")).contains(State.HALF_OPEN);
        assertThat(probe.finished(null)).isEmpty();
        assertThat(call("shop", "prod", null)).contains(State.CLOSED);

        assertThat(gauge("sb.circuit_breaker.state{integration=shop,connection=prod}")).isEqualTo(State.CLOSED.ordinal());
        assertThat(metrics.counter("sb.circuit_breaker.transitions{integration=shop,connection=prod}").getCount()).isEqualTo(3); // open, half, closed
        assertThat(metrics.counter("sb.circuit_breaker.rejected{integration=shop,connection=prod}").getCount()).isEqualTo(2);
    }

    @Test
    void aFailedProbeOpensTheBreakerAgain() {
        for (int i = 0; i < 4; i++) {
            call("shop", null, ErrorType.GENERIC_ERROR);
        }
        assertThat(breakers.state("shop", null)).contains(State.OPEN);
        assertThat(gauge("sb.circuit_breaker.state{integration=shop,connection=-}")).isEqualTo(State.OPEN.ordinal());
        clock.advance(Duration.ofSeconds(11));
        call("shop", null, ErrorType.NETWORK_ERROR);
        assertThat(call("shop", null, ErrorType.NETWORK_ERROR)).contains(State.OPEN);
        assertThat(breakers.acquire("shop", null).retryAfterMs()).isEqualTo(10_000);
    }

    @Test
    void eachIntegrationAndConnectionHasItsOwnBreaker() {
        for (int i = 0; i < 4; i++) {
            call("shop", "prod", ErrorType.NETWORK_ERROR);
        }
        assertThat(breakers.acquire("shop", "prod").permitted()).isFalse();
        assertThat(breakers.acquire("shop", "staging").permitted()).isTrue();
        assertThat(breakers.acquire("crm", "prod").permitted()).isTrue();
    }

    @Test
    void theCallersMistakesAndRateLimitsDoNotCount() {
        for (ErrorType type : new ErrorType[] {ErrorType.AUTHENTICATION_FAILED, ErrorType.INVALID_INPUT,
                ErrorType.RESOURCE_NOT_FOUND, ErrorType.RATE_LIMITED, ErrorType.EXPRESSION_ERROR, ErrorType.CANCELLED,
                ErrorType.AUTHENTICATION_FAILED, ErrorType.INVALID_INPUT}) {
            assertThat(call("shop", "prod", type)).isEmpty();
        }
        assertThat(breakers.state("shop", "prod")).contains(State.CLOSED);
        assertThat(CircuitBreakers.counts(ErrorType.NETWORK_ERROR)).isTrue();
        assertThat(CircuitBreakers.counts(ErrorType.RATE_LIMITED)).isFalse();
    }

    @Test
    void coreAndDisabledBreakersLetEverythingThrough() {
        for (int i = 0; i < 10; i++) {
            assertThat(breakers.acquire("core", null).finished(ErrorType.NETWORK_ERROR)).isEmpty();
        }
        assertThat(breakers.acquire("core", null).permitted()).isTrue();
        assertThat(breakers.state("core", null)).isEmpty();

        CircuitBreakers off = new CircuitBreakers(CircuitBreakerSettings.disabled(), clock, PlatformMetrics.create(clock));
        for (int i = 0; i < 30; i++) {
            off.acquire("shop", null).finished(ErrorType.NETWORK_ERROR);
        }
        assertThat(off.acquire("shop", null).permitted()).isTrue();
    }

    @Test
    void settingsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new CircuitBreakerSettings(true, 0, 4, 4, Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureRateThreshold");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new CircuitBreakerSettings(true, 50, 4, 4, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitInOpenState");
    }

    private int gauge(String name) {
        Gauge<?> gauge = metrics.getGauges().get(name);
        assertThat(gauge).as(name).isNotNull();
        return (Integer) gauge.getValue();
    }

    @Test
    void aProbeThatFailsLaterReopensForTheWholeWaitFromThen() {
        for (int i = 0; i < 4; i++) {
            call("shop", null, ErrorType.GENERIC_ERROR);
        }
        clock.advance(Duration.ofSeconds(11));
        Call first = breakers.acquire("shop", null); // half-open from here
        Call second = breakers.acquire("shop", null);
        clock.advance(Duration.ofSeconds(3)); // the probes take 3 s to fail
        first.finished(ErrorType.TIMEOUT);
        assertThat(second.finished(ErrorType.TIMEOUT)).contains(State.OPEN);
        assertThat(breakers.acquire("shop", null).retryAfterMs()).as("counted from the reopening, not the half-opening")
                .isEqualTo(10_000);
    }

    @Test
    void aProbeEndingInAnErrorThatDoesNotCountGivesItsPlaceBack() {
        for (int i = 0; i < 4; i++) {
            call("shop", null, ErrorType.NETWORK_ERROR);
        }
        clock.advance(Duration.ofSeconds(11));
        Call bad = breakers.acquire("shop", null);
        assertThat(bad.finished(ErrorType.INVALID_INPUT)).as("the caller's mistake says nothing of the service").isEmpty();
        Call one = breakers.acquire("shop", null);
        Call two = breakers.acquire("shop", null);
        assertThat(one.permitted()).isTrue();
        assertThat(two.permitted()).as("both probes are still allowed").isTrue();
        assertThat(breakers.acquire("shop", null).permitted()).as("and no third").isFalse();
    }

    @Test
    void settingsTakeTheirBoundsAndRefuseWhatIsPastThem() {
        assertThat(new CircuitBreakerSettings(true, 100, 1, 1, Duration.ofMillis(1), 1).failureRateThreshold()).isEqualTo(100);
        for (Runnable bad : java.util.List.<Runnable>of(
                () -> new CircuitBreakerSettings(true, 0, 4, 4, Duration.ofSeconds(1), 1),
                () -> new CircuitBreakerSettings(true, 100.5f, 4, 4, Duration.ofSeconds(1), 1),
                () -> new CircuitBreakerSettings(true, 50, 0, 4, Duration.ofSeconds(1), 1),
                () -> new CircuitBreakerSettings(true, 50, 4, 0, Duration.ofSeconds(1), 1),
                () -> new CircuitBreakerSettings(true, 50, 4, 4, Duration.ofSeconds(1), 0),
                () -> new CircuitBreakerSettings(true, 50, 4, 4, Duration.ZERO, 1))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
