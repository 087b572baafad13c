package io.scenariobuilder.core.metrics;

import static io.scenariobuilder.core.metrics.MetricFamily.Kind.COUNTER;
import static io.scenariobuilder.core.metrics.MetricFamily.Kind.GAUGE;
import static io.scenariobuilder.core.metrics.MetricFamily.Kind.METER;
import static io.scenariobuilder.core.metrics.MetricFamily.Kind.TIMER;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the engine records: executions and node attempts, by scenario, integration, action, status and error type.
 * Each call finds its member in a map of its own (one lookup of a small record key) and updates it: a few atomic
 * additions and a wait-free histogram record, no lock on a shared structure. {@link #disabled()} records nothing
 * (the benchmark's "metrics off").
 */
public final class EngineMetrics {

    public static final MetricFamily EXECUTION_DURATION = MetricFamily.of("sb.execution.duration", TIMER,
            "sb_execution_duration_seconds", "Finished executions by scenario and final status: time from start to end",
            "scenario", "status");
    public static final MetricFamily EXECUTIONS_STARTED = MetricFamily.of("sb.executions.started", METER,
            "sb_executions_started", "Executions started (retries and resumes after a restart not counted again)", "scenario");
    public static final MetricFamily EXECUTIONS_FINISHED = MetricFamily.of("sb.executions.finished", METER,
            "sb_executions_finished", "Executions that reached a final status: completed, failed, cancelled, incomplete",
            "status");
    public static final MetricFamily EXECUTIONS_ACTIVE = MetricFamily.of("sb.executions.active", GAUGE, "sb_executions_active",
            "Executions in this server now: queued, running, paused, and those with a node waiting for a retry", "state");
    public static final MetricFamily NODE_DURATION = MetricFamily.of("sb.node.duration", TIMER, "sb_node_duration_seconds",
            "Node attempts by scenario, integration, action, outcome (completed, failed, cancelled) and error type",
            "scenario", "integration", "action", "status", "error_type");
    public static final MetricFamily NODE_FAILURES = MetricFamily.of("sb.node.failures", COUNTER, "sb_node_failures",
            "Failed node attempts by integration, action and error type (retried ones too)", "integration", "action",
            "error_type");
    public static final MetricFamily NODE_RETRIES = MetricFamily.of("sb.node.retries", COUNTER, "sb_node_retries_scheduled",
            "Retries scheduled after a failed attempt", "integration", "action");

    public static final MetricFamily OPTIONS_FETCH = MetricFamily.of("sb.options.fetch", TIMER, "sb_options_fetch_duration_seconds",
            "Dynamic field option fetches by integration, action, field and outcome (ok, cached, failed, timeout)", "integration",
            "action", "field", "outcome");

    private record NodeKey(String scenarioId, String integrationId, String actionId, String status, String errorType) {
    }

    private record ActionKey(String integrationId, String actionId, String errorType) {
    }

    private record ExecutionKey(String scenarioId, String status) {
    }

    private final PlatformMetrics metrics;
    private final boolean enabled;
    private final Map<NodeKey, Timer> nodeTimers = new ConcurrentHashMap<>();
    private final Map<ActionKey, Counter> failures = new ConcurrentHashMap<>();
    private final Map<ActionKey, Counter> retries = new ConcurrentHashMap<>();
    private final Map<ExecutionKey, Timer> executionTimers = new ConcurrentHashMap<>();
    private final Map<String, Meter> started = new ConcurrentHashMap<>();
    private final Map<String, Meter> finished = new ConcurrentHashMap<>();

    @Inject
    public EngineMetrics(PlatformMetrics metrics) {
        this(metrics, true);
    }

    private EngineMetrics(PlatformMetrics metrics, boolean enabled) {
        this.metrics = metrics;
        this.enabled = enabled;
    }

    /** Records nothing. */
    public static EngineMetrics disabled() {
        return new EngineMetrics(null, false);
    }

    /** Whether this records anything. */
    public boolean enabled() {
        return enabled;
    }

    /** An execution started (not a retry, not a resume). */
    public void executionStarted(String scenarioId) {
        if (enabled) {
            started.computeIfAbsent(scenarioId, id -> metrics.meter(EXECUTIONS_STARTED, id)).mark();
        }
    }

    /** An execution reached its final status {@code status} after {@code nanos}. */
    public void executionFinished(String scenarioId, String status, long nanos) {
        if (!enabled) {
            return;
        }
        executionTimers.computeIfAbsent(new ExecutionKey(scenarioId, status), k -> metrics.timer(EXECUTION_DURATION, scenarioId, status))
                .update(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        finished.computeIfAbsent(status, s -> metrics.meter(EXECUTIONS_FINISHED, s)).mark();
    }

    /**
     * A node attempt ended.
     *
     * @param status {@code completed}, {@code failed} or {@code cancelled}
     * @param errorType the error type of a failed attempt, else {@code null}
     */
    public void nodeAttempt(String scenarioId, String integrationId, String actionId, String status, String errorType, long nanos) {
        if (!enabled) {
            return;
        }
        String type = errorType == null ? "" : errorType;
        nodeTimers.computeIfAbsent(new NodeKey(scenarioId, integrationId, actionId, status, type),
                k -> metrics.timer(NODE_DURATION, scenarioId, integrationId, actionId, status, k.errorType()))
                .update(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        if (errorType != null) {
            failures.computeIfAbsent(new ActionKey(integrationId, actionId, errorType),
                    k -> metrics.counter(NODE_FAILURES, integrationId, actionId, errorType)).inc();
        }
    }

    /** A retry of a node was scheduled. */
    public void retryScheduled(String integrationId, String actionId) {
        if (enabled) {
            retries.computeIfAbsent(new ActionKey(integrationId, actionId, ""), k -> metrics.counter(NODE_RETRIES, integrationId, actionId))
                    .inc();
        }
    }

    /**
     * A dynamic field's options were asked for (the options endpoint).
     *
     * @param outcome {@code ok}, {@code cached}, {@code failed} or {@code timeout}
     */
    public void optionsFetched(String integrationId, String actionId, String field, String outcome, long nanos) {
        if (enabled) {
            metrics.timer(OPTIONS_FETCH, integrationId, actionId, field, outcome).update(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    /** Registers the gauge of active executions in {@code state}. */
    public void activeExecutions(String state, Gauge<Integer> count) {
        if (enabled) {
            metrics.gauge(EXECUTIONS_ACTIVE, count, state);
        }
    }
}
