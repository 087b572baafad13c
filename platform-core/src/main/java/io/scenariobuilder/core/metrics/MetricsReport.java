package io.scenariobuilder.core.metrics;

import io.scenariobuilder.core.metrics.SlidingHistogram.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * The aggregates the JSON metrics API answers with, over one sliding window: executions and node attempts by
 * outcome, success rates, durations (count, mean, p50, p95, p99, max in milliseconds), errors by type, per scenario
 * and per integration and action, and a timeline of the window's slices. Everything comes from the sliding
 * histograms of {@link EngineMetrics#EXECUTION_DURATION} and {@link EngineMetrics#NODE_DURATION}.
 *
 * <p>A success rate is {@code completed / (completed + failed + incomplete)}: a cancellation is somebody's decision,
 * not a failure, and is counted apart. It is {@code null} when nothing counted ran in the window.
 */
public final class MetricsReport {

    private MetricsReport() {
    }

    /** Durations in milliseconds. */
    public record Durations(long count, Double mean, Double p50, Double p95, Double p99, Double max) {
        static Durations of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Durations(0, null, null, null, null, null);
            }
            return new Durations(micros.getTotalCount(), ms(micros.getMean()), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(95)), ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()));
        }
    }

    /** How many ended in each status, the success rate, and their durations. */
    public record Outcomes(long total, Map<String, Long> byStatus, Double successRate, Durations duration) {
    }

    /** Failed node attempts of one error type. */
    public record ErrorCount(String type, long count) {
    }

    /** One scenario's executions and node attempts. */
    public record ScenarioStats(String scenarioId, Outcomes executions, Outcomes nodes) {
    }

    /** One action's node attempts. */
    public record ActionStats(String actionId, Outcomes attempts) {
    }

    /** One integration's node attempts, per action, and its errors by type. */
    public record IntegrationStats(String integrationId, Outcomes attempts, List<ActionStats> actions, List<ErrorCount> errors) {
    }

    /**
     * One slice of the window: executions that ended in it, per second, and their p50 and p99 in ms (null when
     * none ended).
     */
    public record TimelinePoint(Instant start, long executions, double perSecond, Double p50, Double p99) {
    }

    /**
     * The report.
     *
     * @param window {@code 5m}, {@code 1h} or {@code 24h}
     * @param from the start of the window's first slice
     * @param to now
     * @param scenarioId the scenario it is narrowed to, or {@code null}
     */
    public record Report(String window, Instant from, Instant to, String scenarioId, Outcomes executions, Outcomes nodes,
            List<ErrorCount> errors, List<ScenarioStats> scenarios, List<IntegrationStats> integrations,
            List<TimelinePoint> timeline) {
    }

    /** Builds the report of {@code window}, narrowed to one scenario when {@code scenarioId} is given. */
    public static Report of(PlatformMetrics metrics, Window window, String scenarioId) {
        long now = metrics.clock().millis();
        Tally executions = new Tally();
        Tally nodes = new Tally();
        Map<String, Tally> scenarioExecutions = new TreeMap<>();
        Map<String, Tally> scenarioNodes = new TreeMap<>();
        Map<String, Tally> integrations = new TreeMap<>();
        Map<String, Map<String, Tally>> actions = new TreeMap<>();
        Map<String, Map<String, Long>> integrationErrors = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        Histogram[] slices = new Histogram[window.slices()];

        for (PlatformMetrics.Member member : metrics.members(EngineMetrics.EXECUTION_DURATION)) {
            String scenario = member.label("scenario");
            if (scenarioId != null && !scenarioId.equals(scenario)) {
                continue;
            }
            Histogram values = window(member, window, now);
            String status = member.label("status");
            executions.add(status, values);
            scenarioExecutions.computeIfAbsent(scenario, s -> new Tally()).add(status, values);
            member.reservoir().histogram().addSlicesTo(window, slices, now);
        }
        for (PlatformMetrics.Member member : metrics.members(EngineMetrics.NODE_DURATION)) {
            String scenario = member.label("scenario");
            if (scenarioId != null && !scenarioId.equals(scenario)) {
                continue;
            }
            Histogram values = window(member, window, now);
            if (values.getTotalCount() == 0) {
                continue;
            }
            String status = member.label("status");
            String integration = member.label("integration");
            nodes.add(status, values);
            scenarioNodes.computeIfAbsent(scenario, s -> new Tally()).add(status, values);
            integrations.computeIfAbsent(integration, i -> new Tally()).add(status, values);
            actions.computeIfAbsent(integration, i -> new TreeMap<>()).computeIfAbsent(member.label("action"), a -> new Tally())
                    .add(status, values);
            String errorType = member.label("error_type");
            if (!errorType.isEmpty()) {
                errors.merge(errorType, values.getTotalCount(), Long::sum);
                integrationErrors.computeIfAbsent(integration, i -> new TreeMap<>()).merge(errorType, values.getTotalCount(), Long::sum);
            }
        }

        List<ScenarioStats> scenarios = new ArrayList<>();
        java.util.Set<String> scenarioIds = new java.util.TreeSet<>(scenarioExecutions.keySet());
        scenarioIds.addAll(scenarioNodes.keySet());
        for (String id : scenarioIds) {
            Tally e = scenarioExecutions.getOrDefault(id, new Tally());
            Tally n = scenarioNodes.getOrDefault(id, new Tally());
            if (e.total() > 0 || n.total() > 0) {
                scenarios.add(new ScenarioStats(id, e.outcomes(), n.outcomes()));
            }
        }
        List<IntegrationStats> perIntegration = new ArrayList<>();
        integrations.forEach((id, tally) -> {
            List<ActionStats> perAction = new ArrayList<>();
            actions.getOrDefault(id, Map.of()).forEach((actionId, a) -> perAction.add(new ActionStats(actionId, a.outcomes())));
            perIntegration.add(new IntegrationStats(id, tally.outcomes(), perAction, errorList(integrationErrors.getOrDefault(id, Map.of()))));
        });
        List<TimelinePoint> timeline = new ArrayList<>(slices.length);
        long first = window.firstSliceStart(now);
        double sliceSeconds = window.slice().toMillis() / 1000.0;
        for (int i = 0; i < slices.length; i++) {
            Histogram slice = slices[i];
            long count = slice == null ? 0 : slice.getTotalCount();
            timeline.add(new TimelinePoint(Instant.ofEpochMilli(first + i * window.slice().toMillis()), count,
                    round(count / sliceSeconds), count == 0 ? null : ms(slice.getValueAtPercentile(50)),
                    count == 0 ? null : ms(slice.getValueAtPercentile(99))));
        }
        return new Report(window.id(), Instant.ofEpochMilli(first), Instant.ofEpochMilli(now), scenarioId, executions.outcomes(),
                nodes.outcomes(), errorList(errors), scenarios, perIntegration, timeline);
    }

    private static Histogram window(PlatformMetrics.Member member, Window window, long now) {
        Histogram values = new PackedHistogram(SlidingHistogram.DIGITS);
        member.reservoir().histogram().addWindowTo(window, values, now);
        return values;
    }

    private static List<ErrorCount> errorList(Map<String, Long> counts) {
        List<ErrorCount> list = new ArrayList<>();
        counts.forEach((type, count) -> list.add(new ErrorCount(type, count)));
        list.sort(Comparator.comparingLong(ErrorCount::count).reversed().thenComparing(ErrorCount::type));
        return list;
    }

    private static Double ms(double micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    /** Counts by status and merged durations. */
    private static final class Tally {
        final Map<String, Long> byStatus = new LinkedHashMap<>();
        final Histogram durations = new PackedHistogram(SlidingHistogram.DIGITS);

        void add(String status, Histogram values) {
            if (values.getTotalCount() == 0) {
                return;
            }
            byStatus.merge(status, values.getTotalCount(), Long::sum);
            durations.add(values);
        }

        long total() {
            return durations.getTotalCount();
        }

        Outcomes outcomes() {
            long completed = byStatus.getOrDefault("completed", 0L);
            long counted = completed + byStatus.getOrDefault("failed", 0L) + byStatus.getOrDefault("incomplete", 0L);
            Double rate = counted == 0 ? null : round((double) completed / counted);
            return new Outcomes(total(), new TreeMap<>(byStatus), rate, Durations.of(durations));
        }
    }
}
