package io.scenariobuilder.core.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;

/**
 * A Dropwizard {@link Reservoir} over a {@link SlidingHistogram}: its snapshot is the last 5 minutes, so a Prometheus
 * summary's quantiles (and the JSON API's percentiles) say how things are now, not since the start.
 *
 * <p>A timer hands it nanoseconds; it keeps microseconds ({@code scale} 1,000), which keeps the histograms small, and
 * answers in nanoseconds again. A plain histogram (a batch size) keeps its values as they are ({@code scale} 1).
 */
public final class SlidingReservoir implements Reservoir {

    private final SlidingHistogram histogram;
    private final long scale;

    public SlidingReservoir(SlidingHistogram histogram, long scale) {
        this.histogram = histogram;
        this.scale = scale;
    }

    /** The histogram behind it, for other windows than 5 minutes. */
    public SlidingHistogram histogram() {
        return histogram;
    }

    /** What one unit of the histogram is in the reservoir's values (1,000 for a timer: the histogram holds µs). */
    public long scale() {
        return scale;
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, histogram.window(SlidingHistogram.Window.FIVE_MINUTES).getTotalCount());
    }

    @Override
    public void update(long value) {
        histogram.record(value / scale);
    }

    @Override
    public Snapshot getSnapshot() {
        return new HdrSnapshot(histogram.window(SlidingHistogram.Window.FIVE_MINUTES), scale);
    }

    /** A Dropwizard snapshot of an HdrHistogram, its values multiplied by {@code scale}. */
    static final class HdrSnapshot extends Snapshot {
        private final Histogram values;
        private final long scale;

        HdrSnapshot(Histogram values, long scale) {
            this.values = values;
            this.scale = scale;
        }

        @Override
        public double getValue(double quantile) {
            if (values.getTotalCount() == 0) {
                return 0;
            }
            return (double) values.getValueAtPercentile(Math.min(100, Math.max(0, quantile * 100))) * scale;
        }

        /** Not kept: an HdrHistogram holds counts per bucket, not the values (this answers the bucket values). */
        @Override
        public long[] getValues() {
            long[] all = new long[(int) Math.min(values.getTotalCount(), 100_000)];
            int i = 0;
            for (var value : values.recordedValues()) {
                for (long c = 0; c < value.getCountAtValueIteratedTo() && i < all.length; c++) {
                    all[i++] = value.getValueIteratedTo() * scale;
                }
            }
            return all;
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, values.getTotalCount());
        }

        @Override
        public long getMax() {
            return values.getTotalCount() == 0 ? 0 : values.getMaxValue() * scale;
        }

        @Override
        public double getMean() {
            return values.getTotalCount() == 0 ? 0 : values.getMean() * scale;
        }

        @Override
        public long getMin() {
            return values.getTotalCount() == 0 ? 0 : values.getMinValue() * scale;
        }

        @Override
        public double getStdDev() {
            return values.getTotalCount() == 0 ? 0 : values.getStdDeviation() * scale;
        }

        @Override
        public void dump(OutputStream output) {
            try (PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(output, StandardCharsets.UTF_8))) {
                for (long value : getValues()) {
                    out.println(value);
                }
            }
        }
    }
}
