package io.scenariobuilder.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The platform's one Dropwizard {@link MetricRegistry}, with labels: each metric is a member of a
 * {@link MetricFamily} with its label values, so the Prometheus exposition can show {@code sb_node_duration_seconds
 * {integration="http", action="request"}} rather than names with ids glued in, and the JSON API can sum a family over
 * its labels. Timers and histograms keep their percentiles over sliding windows ({@link SlidingReservoir}).
 *
 * <pre>{@code
 * Timer timer = metrics.timer(NODE_DURATION, "orders", "http", "request", "completed", "");
 * timer.update(elapsedNanos, TimeUnit.NANOSECONDS);
 * }</pre>
 *
 * <p>Finding a member builds its name and looks it up in a concurrent map: callers on a hot path keep the members
 * they use ({@link EngineMetrics}).
 */
public final class PlatformMetrics {

    /**
     * One member of a family.
     *
     * @param family its family
     * @param labels its label values by label name, in the family's order
     * @param metric the Dropwizard metric
     * @param reservoir the sliding reservoir of a timer or histogram, else {@code null}
     */
    public record Member(MetricFamily family, Map<String, String> labels, Metric metric, SlidingReservoir reservoir) {
        public Member {
            Objects.requireNonNull(family, "family");
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** The value of one label. */
        public String label(String name) {
            return labels.get(name);
        }
    }

    private final MetricRegistry registry;
    private final Clock clock;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, MetricFamily> families = new ConcurrentHashMap<>();

    @Inject
    public PlatformMetrics(MetricRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** A registry of its own (the CLI, tests, benchmarks). */
    public static PlatformMetrics create(Clock clock) {
        return new PlatformMetrics(new MetricRegistry(), clock);
    }

    /** The Dropwizard registry (JVM metrics and reporters go here). */
    public MetricRegistry registry() {
        return registry;
    }

    /** The clock the sliding windows follow. */
    public Clock clock() {
        return clock;
    }

    /** The timer of these label values (nanoseconds in; a sliding 5-minute snapshot out). */
    public Timer timer(MetricFamily family, String... labelValues) {
        return (Timer) member(family, MetricFamily.Kind.TIMER, labelValues, () -> {
            SlidingReservoir reservoir = new SlidingReservoir(new SlidingHistogram(clock), 1_000);
            return new Created(new Timer(reservoir), reservoir);
        }).metric();
    }

    /** The histogram of these label values (values kept as they are). */
    public Histogram histogram(MetricFamily family, String... labelValues) {
        return (Histogram) member(family, MetricFamily.Kind.HISTOGRAM, labelValues, () -> {
            SlidingReservoir reservoir = new SlidingReservoir(new SlidingHistogram(clock), 1);
            return new Created(new Histogram(reservoir), reservoir);
        }).metric();
    }

    /** The meter of these label values. */
    public Meter meter(MetricFamily family, String... labelValues) {
        return (Meter) member(family, MetricFamily.Kind.METER, labelValues, () -> new Created(new Meter(), null)).metric();
    }

    /** The counter of these label values. */
    public Counter counter(MetricFamily family, String... labelValues) {
        return (Counter) member(family, MetricFamily.Kind.COUNTER, labelValues, () -> new Created(new Counter(), null)).metric();
    }

    /**
     * Registers a counter whose count is read from {@code count} (a total its owner keeps), replacing the one there was.
     */
    public void counter(MetricFamily family, java.util.function.LongSupplier count, String... labelValues) {
        check(family, MetricFamily.Kind.COUNTER);
        String name = family.memberName(Arrays.asList(labelValues));
        Counter counter = new Counter() {
            @Override
            public long getCount() {
                return count.getAsLong();
            }
        };
        synchronized (members) {
            registry.remove(name);
            registry.register(name, counter);
            members.put(name, new Member(family, labels(family, labelValues), counter, null));
        }
    }

    /**
     * Registers a gauge for these label values, replacing the one there was (a gauge reads its owner: a new owner
     * takes over).
     */
    public void gauge(MetricFamily family, Gauge<? extends Number> gauge, String... labelValues) {
        check(family, MetricFamily.Kind.GAUGE);
        String name = family.memberName(Arrays.asList(labelValues));
        synchronized (members) {
            registry.remove(name);
            registry.register(name, gauge);
            members.put(name, new Member(family, labels(family, labelValues), gauge, null));
        }
    }

    /** Removes a member (a plugin uninstalled: its gauge goes). */
    public void remove(MetricFamily family, String... labelValues) {
        String name = family.memberName(Arrays.asList(labelValues));
        synchronized (members) {
            members.remove(name);
            registry.remove(name);
        }
    }

    /** Every member of every family. */
    public Collection<Member> members() {
        return List.copyOf(members.values());
    }

    /** The members of one family. */
    public List<Member> members(MetricFamily family) {
        List<Member> found = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.family().name().equals(family.name())) {
                found.add(member);
            }
        }
        return found;
    }

    /** The member registered under this Dropwizard name, if it is one. */
    public Optional<Member> member(String dropwizardName) {
        return Optional.ofNullable(members.get(dropwizardName));
    }

    /** Every family that has or had a member, by name. */
    public Map<String, MetricFamily> families() {
        return Map.copyOf(families);
    }

    private record Created(Metric metric, SlidingReservoir reservoir) {
    }

    private Member member(MetricFamily family, MetricFamily.Kind kind, String[] labelValues, Supplier<Created> create) {
        String name = family.memberName(Arrays.asList(labelValues));
        Member found = members.get(name);
        if (found != null) {
            return found;
        }
        check(family, kind);
        synchronized (members) {
            return members.computeIfAbsent(name, n -> {
                Created created = create.get();
                registry.register(n, created.metric());
                return new Member(family, labels(family, labelValues), created.metric(), created.reservoir());
            });
        }
    }

    private void check(MetricFamily family, MetricFamily.Kind kind) {
        if (family.kind() != kind) {
            throw new IllegalArgumentException(family.name() + " is a " + family.kind() + ", not a " + kind);
        }
        MetricFamily known = families.putIfAbsent(family.name(), family);
        if (known != null && !known.equals(family)) {
            throw new IllegalArgumentException("two families are named " + family.name() + ": " + known + " and " + family);
        }
    }

    private static Map<String, String> labels(MetricFamily family, String[] values) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            labels.put(family.labelNames().get(i), values[i] == null ? "" : values[i]);
        }
        return labels;
    }
}
