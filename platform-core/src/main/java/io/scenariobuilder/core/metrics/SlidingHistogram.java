package io.scenariobuilder.core.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

/**
 * The values recorded over the last 5 minutes, hour and day, with a timeline of each: an HdrHistogram
 * {@link Recorder} takes every value (wait-free: a few atomic increments, about 30 ns, no lock), and what it holds is
 * moved into time slices when a 10-second slice ends (by the first value recorded after it) or when someone reads.
 * The slices: 10 s for the last 5 minutes, 5 min for the last hour, 1 h for the last day. Percentiles are within 1%
 * (two significant digits); slices are packed histograms (touched only under this object's lock), so a quiet slice
 * costs a few hundred bytes.
 *
 * <p>Written here rather than taken from a library: Dropwizard's sliding-time-window reservoirs keep every value (3
 * million of them at 10,000 nodes/s over 5 minutes) and take a lock on each update; HdrHistogram gives the wait-free
 * recording and the compact counts, but no time windows.
 */
public final class SlidingHistogram {

    /** The windows a histogram answers for: their length and the size of their slices. */
    public enum Window {
        FIVE_MINUTES("5m", Duration.ofSeconds(10), 30),
        HOUR("1h", Duration.ofMinutes(5), 12),
        DAY("24h", Duration.ofHours(1), 24);

        private final String id;
        private final long sliceMs;
        private final int slices;

        Window(String id, Duration slice, int slices) {
            this.id = id;
            this.sliceMs = slice.toMillis();
            this.slices = slices;
        }

        /** How the API names it: {@code 5m}, {@code 1h}, {@code 24h}. */
        public String id() {
            return id;
        }

        /** Its slices' length. */
        public Duration slice() {
            return Duration.ofMillis(sliceMs);
        }

        /** How many slices it spans. */
        public int slices() {
            return slices;
        }

        /** Its length. */
        public Duration length() {
            return Duration.ofMillis(sliceMs * slices);
        }

        /** The start of the first slice of the window that ends at {@code nowMs}. */
        public long firstSliceStart(long nowMs) {
            return nowMs - Math.floorMod(nowMs, sliceMs) - (slices - 1) * sliceMs;
        }

        /** The window named {@code id}, if any. */
        public static Optional<Window> fromId(String id) {
            for (Window window : values()) {
                if (window.id.equals(id)) {
                    return Optional.of(window);
                }
            }
            return Optional.empty();
        }
    }

    /** Two significant digits: a percentile is within 1% of the true value. */
    static final int DIGITS = 2;
    private static final long OPEN_SLICE_MS = Window.FIVE_MINUTES.sliceMs;

    private final Clock clock;
    /**
     * Not the packed variant: its storage resize livelocked here under four writers and a reader (a writer spinning in
     * {@code consolidateEntry} while another waited for it in {@code flipPhase}). The plain one only counts with atomic
     * increments while recording, and grows with the largest value seen (about 5 KB for sub-second values).
     */
    private final Recorder[] recorders = new Recorder[STRIPES];
    /**
     * Recorders, one per stripe of threads: the engine's threads record the same node timer at once, and one recorder's
     * phaser counters and buckets are then cache lines the cores take from each other (measured: a quarter of the
     * engine's throughput on two cores); a recorder per stripe keeps each thread mostly on its own.
     */
    private static final int STRIPES = Integer.highestOneBit(Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())) * 2 - 1);
    private final Tier[] tiers = {new Tier(Window.FIVE_MINUTES), new Tier(Window.HOUR), new Tier(Window.DAY)};
    /** The start of the 10 s slice the recorder's values belong to. */
    private volatile long openSlice;
    private final Histogram[] recycled = new Histogram[STRIPES];

    public SlidingHistogram(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.openSlice = align(clock.millis());
        for (int i = 0; i < STRIPES; i++) {
            recorders[i] = new Recorder(DIGITS);
        }
    }

    /** Records one value (not negative). Wait-free but once per 10 s slice, which moves the slice's values. */
    public void record(long value) {
        long now = clock.millis();
        if (now - openSlice >= OPEN_SLICE_MS) {
            rotate(now);
        }
        recorders[(int) (Thread.currentThread().threadId() & (STRIPES - 1))].recordValue(Math.max(0, value));
    }

    /** The values of the last {@code window}, merged into one new histogram. */
    public Histogram window(Window window) {
        Histogram merged = new PackedHistogram(DIGITS);
        addWindowTo(window, merged, clock.millis());
        return merged;
    }

    /** Adds the values of {@code window} ending at {@code nowMs} to {@code target}. */
    public synchronized void addWindowTo(Window window, Histogram target, long nowMs) {
        flush(nowMs);
        tier(window).addTo(target, window.firstSliceStart(nowMs), nowMs);
    }

    /**
     * Adds the values of each slice of {@code window} ending at {@code nowMs} to {@code perSlice} (oldest first,
     * {@link Window#slices()} of them; a null entry is created when the slice has values).
     */
    public synchronized void addSlicesTo(Window window, Histogram[] perSlice, long nowMs) {
        flush(nowMs);
        tier(window).addSlicesTo(perSlice, window.firstSliceStart(nowMs));
    }

    private Tier tier(Window window) {
        return tiers[window.ordinal()];
    }

    private synchronized void rotate(long now) {
        if (now - openSlice < OPEN_SLICE_MS) {
            return; // another thread moved the slice meanwhile
        }
        flush(now);
        openSlice = align(now);
    }

    /** Moves what the recorders hold into the slices of the open slice. */
    private void flush(long now) {
        long at = Math.min(openSlice, now);
        for (int i = 0; i < STRIPES; i++) {
            Histogram interval = recorders[i].getIntervalHistogram(recycled[i]);
            recycled[i] = interval;
            if (interval.getTotalCount() > 0) {
                for (Tier tier : tiers) {
                    tier.add(interval, at);
                }
            }
        }
    }

    private static long align(long ms) {
        return ms - Math.floorMod(ms, OPEN_SLICE_MS);
    }

    /** The slices of one window, in a ring. */
    private static final class Tier {
        final long sliceMs;
        final Histogram[] slots;
        final long[] starts;

        Tier(Window window) {
            this.sliceMs = window.sliceMs;
            this.slots = new Histogram[window.slices];
            this.starts = new long[window.slices];
        }

        void add(Histogram values, long at) {
            long start = at - Math.floorMod(at, sliceMs);
            int i = (int) Math.floorMod(start / sliceMs, (long) slots.length);
            if (starts[i] != start || slots[i] == null) {
                starts[i] = start;
                slots[i] = new PackedHistogram(DIGITS);
            }
            slots[i].add(values);
        }

        void addTo(Histogram target, long from, long to) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null && starts[i] >= from && starts[i] <= to) {
                    target.add(slots[i]);
                }
            }
        }

        void addSlicesTo(Histogram[] perSlice, long from) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == null || starts[i] < from) {
                    continue;
                }
                int index = (int) ((starts[i] - from) / sliceMs);
                if (index < perSlice.length) {
                    if (perSlice[index] == null) {
                        perSlice[index] = new PackedHistogram(DIGITS);
                    }
                    perSlice[index].add(slots[i]);
                }
            }
        }
    }
}
