package io.scenariobuilder.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Gauge;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an execution leaves in the metrics: counts by label, durations, retries, active gauges. */
class EngineMetricsTest {

    private final TestEngine t = new TestEngine();
    private final PlatformMetrics metrics = t.injector.getInstance(PlatformMetrics.class);

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void executionsAndNodeAttemptsAreCountedByTheirLabels() {
        var result = t.run("""
                {"id": "flaky", "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "fail",
                   "configuration": {"errorType": "network_error", "message": "down", "failTimes": 1},
                   "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}},
                  {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);

        var timers = metrics.registry().getTimers();
        assertThat(timers.get("sb.execution.duration{scenario=flaky,status=completed}").getCount()).isEqualTo(1);
        assertThat(timers.get("sb.node.duration{scenario=flaky,integration=core,action=fail,status=failed,error_type=network_error}")
                .getCount()).isEqualTo(1);
        assertThat(timers.get("sb.node.duration{scenario=flaky,integration=core,action=fail,status=completed,error_type=}")
                .getCount()).isEqualTo(1);
        assertThat(timers.get("sb.node.duration{scenario=flaky,integration=core,action=noop,status=completed,error_type=}")
                .getCount()).isEqualTo(1);
        var counters = metrics.registry().getCounters();
        assertThat(counters.get("sb.node.failures{integration=core,action=fail,error_type=network_error}").getCount()).isEqualTo(1);
        assertThat(counters.get("sb.node.retries{integration=core,action=fail}").getCount()).isEqualTo(1);
        var meters = metrics.registry().getMeters();
        assertThat(meters.get("sb.executions.started{scenario=flaky}").getCount()).isEqualTo(1);
        assertThat(meters.get("sb.executions.finished{status=completed}").getCount()).isEqualTo(1);

        var failed = t.run("""
                {"id": "broken", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "invalid_input", "message": "no"}}]}""");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(metrics.registry().getTimers().get("sb.execution.duration{scenario=broken,status=failed}").getCount()).isEqualTo(1);
        assertThat(metrics.registry().getMeters().get("sb.executions.finished{status=failed}").getCount()).isEqualTo(1);
    }

    @Test
    void activeExecutionGaugesFollowRunningPausedAndWaitingForARetry() {
        ExecutionHandle gated = t.start("""
                {"id": "gated", "nodes": [{"id": "g", "integrationId": "test", "actionId": "gate",
                  "configuration": {"gate": "m1"}}]}""", "{}");
        ExecutionHandle waiting = t.start("""
                {"id": "waits", "nodes": [{"id": "w", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "network_error", "message": "down", "failTimes": 1},
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 60000, "jitter": false}}]}""", "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("running") == 2 && gauge("waiting_retry") == 1);
        t.engine.pause(gated.executionId()).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("paused") == 1 && gauge("running") == 1);
        t.engine.cancel(waiting.executionId()).toCompletableFuture().join();
        t.engine.cancel(gated.executionId()).toCompletableFuture().join();
        t.test.open("m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("paused") + gauge("running") + gauge("waiting_retry") == 0);
    }

    private int gauge(String state) {
        Map<String, Gauge> gauges = metrics.registry().getGauges();
        return (Integer) gauges.get("sb.executions.active{state=" + state + "}").getValue();
    }

    @Test
    void theReportSumsTheWindowByScenarioIntegrationAndErrorType() {
        String ok = """
                {"id": "ok", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"},
                  {"id": "b", "integrationId": "core", "actionId": "set", "configuration": {"values": {"x": 1}}}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""";
        for (int i = 0; i < 3; i++) {
            t.run(ok);
        }
        t.run("""
                {"id": "bad", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "rate_limited", "message": "slow down", "retryAfterMs": 1},
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""");

        MetricsReport.Report all = MetricsReport.of(metrics, SlidingHistogram.Window.FIVE_MINUTES, null);
        assertThat(all.window()).isEqualTo("5m");
        assertThat(all.executions().total()).isEqualTo(4);
        assertThat(all.executions().byStatus()).containsEntry("completed", 3L).containsEntry("failed", 1L);
        assertThat(all.executions().successRate()).isEqualTo(0.75);
        assertThat(all.executions().duration().count()).isEqualTo(4);
        assertThat(all.executions().duration().p99()).isNotNull().isGreaterThanOrEqualTo(all.executions().duration().p50());
        assertThat(all.nodes().total()).isEqualTo(8); // 6 completed, 2 failed attempts of x
        assertThat(all.errors()).containsExactly(new MetricsReport.ErrorCount("rate_limited", 2));
        assertThat(all.scenarios()).extracting(MetricsReport.ScenarioStats::scenarioId).containsExactly("bad", "ok");
        assertThat(all.integrations()).singleElement().satisfies(core -> {
            assertThat(core.integrationId()).isEqualTo("core");
            assertThat(core.actions()).extracting(MetricsReport.ActionStats::actionId).containsExactly("fail", "noop", "set");
            assertThat(core.errors()).containsExactly(new MetricsReport.ErrorCount("rate_limited", 2));
        });
        assertThat(all.timeline()).hasSize(30);
        assertThat(all.timeline().stream().mapToLong(MetricsReport.TimelinePoint::executions).sum()).isEqualTo(4);

        MetricsReport.Report onlyOk = MetricsReport.of(metrics, SlidingHistogram.Window.HOUR, "ok");
        assertThat(onlyOk.scenarioId()).isEqualTo("ok");
        assertThat(onlyOk.executions().total()).isEqualTo(3);
        assertThat(onlyOk.executions().successRate()).isEqualTo(1.0);
        assertThat(onlyOk.errors()).isEmpty();
        assertThat(onlyOk.scenarios()).extracting(MetricsReport.ScenarioStats::scenarioId).containsExactly("ok");
        assertThat(onlyOk.timeline()).hasSize(12);

        MetricsReport.Report nobody = MetricsReport.of(metrics, SlidingHistogram.Window.DAY, "ghost");
        assertThat(nobody.executions().total()).isZero();
        assertThat(nobody.executions().successRate()).isNull();
        assertThat(nobody.executions().duration().p50()).isNull();
    }

    @Test
    void optionFetchesAreTimedByFieldAndOutcome() {
        EngineMetrics engineMetrics = t.injector.getInstance(EngineMetrics.class);
        engineMetrics.optionsFetched("greeter", "greet", "language", "ok", 3_000_000);
        engineMetrics.optionsFetched("greeter", "greet", "language", "cached", 10_000);
        assertThat(metrics.registry().getTimers()
                .get("sb.options.fetch{integration=greeter,action=greet,field=language,outcome=ok}").getCount()).isEqualTo(1);
        assertThat(metrics.members(EngineMetrics.OPTIONS_FETCH)).hasSize(2);
    }

    @Test
    void disabledMetricsRecordNothing() {
        EngineMetrics off = EngineMetrics.disabled();
        off.nodeAttempt("s", "core", "noop", "completed", null, 5);
        off.executionFinished("s", "completed", 5);
        off.executionStarted("s");
        off.retryScheduled("core", "noop");
        off.activeExecutions("running", () -> 1);
        off.optionsFetched("i", "a", "f", "ok", 1);
        assertThat(off.enabled()).isFalse();
    }
}
