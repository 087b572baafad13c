package io.scenariobuilder.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scenariobuilder.core.metrics.SlidingHistogram.Window;
import io.scenariobuilder.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SlidingHistogramTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final SlidingHistogram histogram = new SlidingHistogram(clock);

    @Test
    void percentilesComeFromTheWindowNotFromAllTime() {
        for (int i = 1; i <= 100; i++) {
            histogram.record(1_000); // an old slow spell
        }
        clock.advance(Duration.ofMinutes(6));
        for (int i = 1; i <= 100; i++) {
            histogram.record(i);
        }
        Histogram fiveMinutes = histogram.window(Window.FIVE_MINUTES);
        assertThat(fiveMinutes.getTotalCount()).isEqualTo(100);
        assertThat(fiveMinutes.getValueAtPercentile(50)).isEqualTo(50);
        assertThat(fiveMinutes.getValueAtPercentile(99)).isEqualTo(99);
        assertThat(fiveMinutes.getMaxValue()).isEqualTo(100);

        Histogram hour = histogram.window(Window.HOUR);
        assertThat(hour.getTotalCount()).isEqualTo(200);
        assertThat(hour.getMaxValue()).isCloseTo(1_000, within(10L)); // two significant digits

        clock.advance(Duration.ofHours(2));
        assertThat(histogram.window(Window.HOUR).getTotalCount()).isZero();
        assertThat(histogram.window(Window.DAY).getTotalCount()).isEqualTo(200);
        clock.advance(Duration.ofHours(23));
        assertThat(histogram.window(Window.DAY).getTotalCount()).isZero();
    }

    @Test
    void valuesRecordedBeforeAQuietSpellStayInTheirSlice() {
        histogram.record(5);
        clock.advance(Duration.ofMinutes(4)); // nothing recorded, nothing read
        histogram.record(7); // moves the first value into its own (old) slice
        clock.advance(Duration.ofSeconds(70));
        Histogram window = histogram.window(Window.FIVE_MINUTES);
        assertThat(window.getTotalCount()).as("the first value is 5 min 10 s old now").isEqualTo(1);
        assertThat(window.getMaxValue()).isEqualTo(7);
    }

    @Test
    void theTimelineHasOneEntryPerSliceOldestFirst() {
        histogram.record(10);
        clock.advance(Duration.ofSeconds(10));
        histogram.record(20);
        histogram.record(30);
        Histogram[] slices = new Histogram[Window.FIVE_MINUTES.slices()];
        histogram.addSlicesTo(Window.FIVE_MINUTES, slices, clock.millis());
        assertThat(slices[slices.length - 1].getTotalCount()).isEqualTo(2);
        assertThat(slices[slices.length - 2].getTotalCount()).isEqualTo(1);
        assertThat(slices[0]).isNull();
    }

    @Test
    @Timeout(60) // HdrHistogram's packed recorder livelocked here: a hang must fail, not stall the build
    void concurrentWritersLoseNoValue() throws Exception {
        SlidingHistogram live = new SlidingHistogram(java.time.Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 250_000; i++) {
                        live.record((long) (i % 1_000) << (i % 24)); // values up to 2^33: the histogram grows meanwhile
                    }
                }));
            }
            long readsWhileWriting = 0;
            while (writers.stream().anyMatch(f -> !f.isDone())) {
                live.window(Window.FIVE_MINUTES); // readers move the recorder's values meanwhile
                readsWhileWriting++;
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            assertThat(readsWhileWriting).isPositive();
            assertThat(live.window(Window.FIVE_MINUTES).getTotalCount()).isEqualTo(1_000_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReservoirAnswersInTheUnitItWasGiven() {
        SlidingReservoir nanos = new SlidingReservoir(histogram, 1_000);
        nanos.update(2_000_000); // 2 ms
        nanos.update(4_000_000);
        var snapshot = nanos.getSnapshot();
        assertThat(snapshot.size()).isEqualTo(2);
        // Two significant digits: each value within 1%.
        assertThat(snapshot.getMax()).isBetween(4_000_000L, 4_040_000L);
        assertThat(snapshot.getMin()).isBetween(2_000_000L, 2_020_000L);
        assertThat(snapshot.getMedian()).isBetween(2_000_000.0, 2_020_000.0);
        assertThat(snapshot.getMean()).isBetween(2_970_000.0, 3_030_000.0);
        assertThat(snapshot.getValues()).hasSize(2);
        assertThat(new SlidingReservoir(new SlidingHistogram(clock), 1).getSnapshot().get99thPercentile()).isZero();
    }

    @Test
    void windowsAreNamedAsTheApiNamesThem() {
        assertThat(Window.fromId("5m")).contains(Window.FIVE_MINUTES);
        assertThat(Window.fromId("1h")).contains(Window.HOUR);
        assertThat(Window.fromId("24h")).contains(Window.DAY);
        assertThat(Window.fromId("2d")).isEmpty();
        assertThat(Window.HOUR.length()).isEqualTo(Duration.ofHours(1));
    }
}
