package io.scenariobuilder.server.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform's metrics in the Prometheus text format, converted by the maintained Dropwizard bridge
 * ({@code prometheus-metrics-instrumentation-dropwizard}): timers become summaries in seconds (quantiles over the
 * last 5 minutes), meters and counters counters, gauges gauges, each family with its labels.
 *
 * <p>Why the grouping: the bridge (1.4.3, the newest served here) turns each Dropwizard metric into a metric family
 * of its own and refuses two families of one name ("duplicate metric name"), so it cannot put the members of one
 * family side by side; its {@link CustomLabelMapper} also takes labels only from dot-separated name parts, which
 * plugin ids and versions (dotted) would break. So each scrape hands the bridge registries holding at most one
 * member of each family, under the family's name, with an exact mapping to the member's labels; then the data points
 * of one name are put back together under one family, with the family's help text.
 */
public final class PrometheusExposition {

    /** The content type of the text format (version 0.0.4). */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** metrics-jvm's names, with the variable part as a label. */
    private static final List<MapperConfig> JVM = List.of(
            jvm("jvm.memory.pools.*.used", "jvm_memory_pool_used_bytes", "pool"),
            jvm("jvm.memory.pools.*.committed", "jvm_memory_pool_committed_bytes", "pool"),
            jvm("jvm.memory.pools.*.max", "jvm_memory_pool_max_bytes", "pool"),
            jvm("jvm.memory.pools.*.init", "jvm_memory_pool_init_bytes", "pool"),
            jvm("jvm.memory.pools.*.usage", "jvm_memory_pool_usage_ratio", "pool"),
            jvm("jvm.memory.pools.*.used-after-gc", "jvm_memory_pool_used_after_gc_bytes", "pool"),
            jvm("jvm.memory.*.used", "jvm_memory_used_bytes", "area"),
            jvm("jvm.memory.*.committed", "jvm_memory_committed_bytes", "area"),
            jvm("jvm.memory.*.max", "jvm_memory_max_bytes", "area"),
            jvm("jvm.memory.*.init", "jvm_memory_init_bytes", "area"),
            jvm("jvm.memory.*.usage", "jvm_memory_usage_ratio", "area"),
            jvm("jvm.gc.*.count", "jvm_gc_collections", "gc"),
            jvm("jvm.gc.*.seconds", "jvm_gc_collection_seconds", "gc"),
            jvm("jvm.threads.*.count", "jvm_threads_state", "state"),
            new MapperConfig("jvm.threads.count", "jvm_threads_live", Map.of()));

    private static final CustomLabelMapper JVM_NAMES = new CustomLabelMapper(JVM);

    private static final Map<String, String> JVM_HELP = Map.ofEntries(
            Map.entry("jvm_memory_pool_used_bytes", "JVM memory pool in use, by pool"),
            Map.entry("jvm_memory_pool_committed_bytes", "JVM memory pool committed, by pool"),
            Map.entry("jvm_memory_pool_max_bytes", "JVM memory pool maximum (-1 when unbounded), by pool"),
            Map.entry("jvm_memory_pool_init_bytes", "JVM memory pool at start, by pool"),
            Map.entry("jvm_memory_pool_usage_ratio", "JVM memory pool used over its maximum, by pool"),
            Map.entry("jvm_memory_pool_used_after_gc_bytes", "JVM memory pool in use after the last collection, by pool"),
            Map.entry("jvm_memory_used_bytes", "JVM memory in use: heap, non-heap, total"),
            Map.entry("jvm_memory_committed_bytes", "JVM memory committed: heap, non-heap, total"),
            Map.entry("jvm_memory_max_bytes", "JVM memory maximum: heap, non-heap, total"),
            Map.entry("jvm_memory_init_bytes", "JVM memory at start: heap, non-heap, total"),
            Map.entry("jvm_memory_usage_ratio", "JVM memory used over its maximum: heap, non-heap"),
            Map.entry("jvm_gc_collections", "Garbage collections so far, by collector"),
            Map.entry("jvm_gc_collection_seconds", "Time spent in garbage collection so far, by collector"),
            Map.entry("jvm_threads_state", "JVM threads by state (and daemon, peak, total_started, deadlock)"),
            Map.entry("jvm_threads_live", "Live JVM threads"));

    private final PlatformMetrics metrics;

    public PrometheusExposition(PlatformMetrics metrics) {
        this.metrics = metrics;
    }

    /** What a scrape answers: every metric, as text. */
    public byte[] text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            PrometheusTextFormatWriter.create().write(out, collect());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** Every metric as Prometheus snapshots, one family per name. */
    public MetricSnapshots collect() {
        List<Group> groups = new ArrayList<>();
        Map<String, Integer> seen = new java.util.HashMap<>();
        Map<String, String> help = new java.util.HashMap<>(JVM_HELP);
        for (Map.Entry<String, Metric> entry : metrics.registry().getMetrics().entrySet()) {
            var member = metrics.member(entry.getKey());
            if (member.isEmpty()) {
                // metrics-jvm and other plain names: the JVM mappings give several of them one name (one per pool...).
                int index = seen.merge(JVM_NAMES.getName(entry.getKey()), 1, Integer::sum) - 1;
                group(groups, index).registry.register(entry.getKey(), entry.getValue());
                continue;
            }
            MetricFamily family = member.get().family();
            help.put(family.prometheusName(), family.help());
            int index = seen.merge(family.name(), 1, Integer::sum) - 1;
            Group group = group(groups, index);
            group.registry.register(family.name(), entry.getValue());
            Map<String, String> labels = new LinkedHashMap<>(member.get().labels());
            group.mappings.add(new MapperConfig(family.name(), family.prometheusName(), labels));
            if (entry.getValue() instanceof Meter) {
                // The bridge names a meter by its name plus "_total" and labels it by its name alone.
                group.mappings.add(new MapperConfig(family.name() + "_total", family.prometheusName(), labels));
            }
        }
        Map<String, List<MetricSnapshot>> byName = new TreeMap<>();
        for (Group group : groups) {
            List<MapperConfig> mappings = new ArrayList<>(group.mappings);
            mappings.addAll(JVM);
            DropwizardExports bridge = new DropwizardExports(group.registry, MetricFilter.ALL, new CustomLabelMapper(mappings));
            for (MetricSnapshot snapshot : bridge.collect()) {
                byName.computeIfAbsent(snapshot.getMetadata().getPrometheusName(), n -> new ArrayList<>()).add(snapshot);
            }
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        byName.forEach((name, parts) -> all.metricSnapshot(merge(parts, help.get(name))));
        return all.build();
    }

    private static Group group(List<Group> groups, int index) {
        while (groups.size() <= index) {
            groups.add(new Group());
        }
        return groups.get(index);
    }

    /** One registry for the bridge: at most one member of each family. */
    private static final class Group {
        final MetricRegistry registry = new MetricRegistry();
        final List<MapperConfig> mappings = new ArrayList<>();
    }

    /** The data points of several snapshots of one name (and type) in one snapshot. */
    private static MetricSnapshot merge(List<MetricSnapshot> parts, String help) {
        MetricSnapshot first = parts.get(0);
        MetricMetadata metadata = new MetricMetadata(first.getMetadata().getName(),
                help != null ? help : first.getMetadata().getHelp(), first.getMetadata().getUnit());
        if (first instanceof CounterSnapshot) {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((CounterSnapshot) p).getDataPoints()));
            return new CounterSnapshot(metadata, points);
        }
        if (first instanceof GaugeSnapshot) {
            List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((GaugeSnapshot) p).getDataPoints()));
            return new GaugeSnapshot(metadata, points);
        }
        if (first instanceof SummarySnapshot) {
            List<SummarySnapshot.SummaryDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((SummarySnapshot) p).getDataPoints()));
            return new SummarySnapshot(metadata, points);
        }
        throw new IllegalStateException("the Dropwizard bridge gave an unexpected snapshot type: " + first.getClass().getName());
    }

    private static MapperConfig jvm(String match, String name, String label) {
        return new MapperConfig(match, name, Map.of(label, "${0}"));
    }
}
