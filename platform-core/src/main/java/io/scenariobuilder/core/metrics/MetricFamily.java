package io.scenariobuilder.core.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named kind of metric with labels, such as node durations by integration and action. Each combination of label
 * values is one Dropwizard metric, named {@code family{label=value,...}}; the Prometheus exposition shows the family
 * under {@link #prometheusName} with the labels as labels, never glued into the name.
 *
 * @param name the Dropwizard name (dotted), e.g. {@code sb.node.duration}
 * @param kind what it measures with
 * @param prometheusName the name in Prometheus, e.g. {@code sb_node_duration_seconds} (counters without {@code _total})
 * @param help one line for people: what it counts
 * @param labelNames its labels, in order
 */
public record MetricFamily(String name, Kind kind, String prometheusName, String help, List<String> labelNames) {

    /** The Dropwizard metric type of a family. */
    public enum Kind {
        /** Durations: count, rates and percentiles over the last 5 minutes (Prometheus: a summary in seconds). */
        TIMER,
        /** Events counted, with rates (Prometheus: a counter). */
        METER,
        /** A count (Prometheus: a counter). */
        COUNTER,
        /** Values such as sizes: count and percentiles over the last 5 minutes (Prometheus: a summary). */
        HISTOGRAM,
        /** A value read when asked (Prometheus: a gauge). */
        GAUGE
    }

    private static final Pattern DROPWIZARD = Pattern.compile("[a-z][a-z0-9_]+(\\.[a-z][a-z0-9_]+)+");
    private static final Pattern PROMETHEUS = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]+");

    public MetricFamily {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(help, "help");
        if (!DROPWIZARD.matcher(name).matches()) {
            throw new IllegalArgumentException("family name must be dotted lower-case words: " + name);
        }
        if (!PROMETHEUS.matcher(prometheusName).matches() || prometheusName.endsWith("_total")) {
            throw new IllegalArgumentException("not a Prometheus base name: " + prometheusName);
        }
        labelNames = List.copyOf(labelNames);
        for (String label : labelNames) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a label name: " + label);
            }
        }
    }

    /** A family without labels. */
    public static MetricFamily of(String name, Kind kind, String prometheusName, String help) {
        return new MetricFamily(name, kind, prometheusName, help, List.of());
    }

    /** A family with labels. */
    public static MetricFamily of(String name, Kind kind, String prometheusName, String help, String... labelNames) {
        return new MetricFamily(name, kind, prometheusName, help, List.of(labelNames));
    }

    /**
     * The Dropwizard name of the member with these label values: the family name alone without labels, else
     * {@code name{a=x,b=y}} (values escaped with a backslash where they hold {@code \ , = { }}).
     */
    public String memberName(List<String> labelValues) {
        if (labelValues.size() != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label values " + labelNames + ", got "
                    + labelValues.size());
        }
        if (labelNames.isEmpty()) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 16 * labelNames.size()).append(name).append('{');
        for (int i = 0; i < labelNames.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labelNames.get(i)).append('=');
            String value = labelValues.get(i) == null ? "" : labelValues.get(i);
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if (ch == '\\' || ch == ',' || ch == '=' || ch == '{' || ch == '}') {
                    out.append('\\');
                }
                out.append(ch);
            }
        }
        return out.append('}').toString();
    }
}
