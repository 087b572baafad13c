package io.scenariobuilder.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import io.scenariobuilder.core.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PlatformMetricsTest {

    private static final MetricFamily CALLS = MetricFamily.of("test.calls", MetricFamily.Kind.TIMER, "test_call_duration_seconds",
            "calls", "service", "outcome");
    private final PlatformMetrics metrics = PlatformMetrics.create(new MutableClock(Instant.parse("2026-11-30T10:00:00Z")));

    @Test
    void membersAreNamedByTheirLabelsAndFoundAgain() {
        metrics.timer(CALLS, "shop", "ok").update(3, TimeUnit.MILLISECONDS);
        metrics.timer(CALLS, "shop", "ok").update(5, TimeUnit.MILLISECONDS);
        metrics.timer(CALLS, "crm", "failed").update(1, TimeUnit.SECONDS);

        assertThat(metrics.registry().getTimers()).containsOnlyKeys("test.calls{service=shop,outcome=ok}",
                "test.calls{service=crm,outcome=failed}");
        List<PlatformMetrics.Member> members = metrics.members(CALLS);
        assertThat(members).hasSize(2);
        PlatformMetrics.Member shop = metrics.member("test.calls{service=shop,outcome=ok}").orElseThrow();
        assertThat(shop.labels()).containsExactly(java.util.Map.entry("service", "shop"), java.util.Map.entry("outcome", "ok"));
        // Two significant digits: within 1%, rounded up to the top of the value's bucket.
        assertThat(shop.reservoir().getSnapshot().getMax()).isBetween(5_000_000L, 5_050_000L);
        assertThat(metrics.families()).containsKey("test.calls");
    }

    @Test
    void labelValuesThatLookLikeSyntaxAreEscaped() {
        assertThat(CALLS.memberName(List.of("a,b=c", "{x}\\"))).isEqualTo("test.calls{service=a\\,b\\=c,outcome=\\{x\\}\\\\}");
        assertThat(MetricFamily.of("test.plain", MetricFamily.Kind.COUNTER, "test_plain", "plain").memberName(List.of()))
                .isEqualTo("test.plain");
    }

    @Test
    void misuseIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> metrics.timer(CALLS, "only-one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 2 label values");
        assertThatThrownBy(() -> metrics.counter(CALLS, "a", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a TIMER");
        MetricFamily other = MetricFamily.of("test.calls", MetricFamily.Kind.TIMER, "other_seconds", "other", "service", "outcome");
        metrics.timer(CALLS, "a", "b");
        assertThatThrownBy(() -> metrics.timer(other, "a", "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two families are named test.calls");
        assertThatThrownBy(() -> MetricFamily.of("Bad Name", MetricFamily.Kind.GAUGE, "x", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricFamily.of("test.xx", MetricFamily.Kind.COUNTER, "x_total", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Prometheus base name");
    }

    @Test
    void aGaugeIsReplacedByItsNewOwnerAndRemoved() {
        MetricFamily loaded = MetricFamily.of("test.loaded", MetricFamily.Kind.GAUGE, "test_loaded", "loaded", "plugin");
        metrics.gauge(loaded, (Gauge<Integer>) () -> 1, "a.b");
        metrics.gauge(loaded, (Gauge<Integer>) () -> 2, "a.b");
        assertThat(metrics.registry().getGauges().get("test.loaded{plugin=a.b}").getValue()).isEqualTo(2);
        metrics.remove(loaded, "a.b");
        assertThat(metrics.registry().getGauges()).isEmpty();
        assertThat(metrics.members(loaded)).isEmpty();
    }
}
