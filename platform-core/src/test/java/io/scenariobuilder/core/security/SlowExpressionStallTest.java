package io.scenariobuilder.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.util.Modules;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.expression.ExpressionLimits;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The attack: one execution's expression runs as long as the limits let it, while everyone else's executions go on.
 * Evaluated on an engine thread it would hold it for a second (the limit); moved to the expression threads, the
 * others' p99 stays within twice what it is without it. The expression runs in a node's template, in a transform and
 * in a condition, the three places the engine evaluates.
 */
class SlowExpressionStallTest {

    /** CPU-bound without memory: only the time limit stops it. */
    static final String SLOW = "$reduce([1..10000000], function($a, $b) { $a + $b })";

    static final String OTHERS = """
            {"id": "others", "nodes": [
              {"id": "set", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": "{{ trigger.n }}"}}},
              {"id": "shape", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{'n': input.n * 2}"}}
            ], "connections": [{"fromNodeId": "set", "toNodeId": "shape", "condition": "input.n >= 0"}]}""";

    /**
     * One engine thread, so that nothing hides a stall (with two, the other steals the waiting work); time is the only
     * limit that can stop the slow expression.
     */
    private static TestEngine engine() {
        ExpressionLimits onlyTime = new ExpressionLimits(Duration.ofSeconds(1), 200, Long.MAX_VALUE, Long.MAX_VALUE, 100_000_000);
        return new TestEngine(Modules.override(new EngineModule(new EngineSettings(1, 10_000, 42L)))
                .with(binder -> binder.bind(ExpressionLimits.class).toInstance(onlyTime)));
    }

    @Test
    void oneExecutionsSlowTransformLeavesTheOthersP99WithinTwiceItsUsual() throws Exception {
        try (TestEngine t = engine()) {
            Scenario others = t.scenario(OTHERS);
            run(t, others, 300); // warm-up
            // The baseline is the larger of two runs: one run's p99 on a small machine moves by half.
            long without = Math.max(p99(run(t, others, 1_000)), p99(run(t, others, 1_000)));
            ExecutionHandle slow = t.start("""
                    {"id": "slow-transform", "nodes": [{"id": "bad", "integrationId": "core", "actionId": "transform",
                      "configuration": {"expression": "%s"}}]}""".formatted(SLOW), "{}");
            long with = p99(run(t, others, 1_000));
            assertTimedOut(TestEngine.await(slow));
            System.out.println("p99 of 1,000 executions without a slow expression " + without + " ms, beside one " + with + " ms");
            // A floor of 250 ms: below it, p99 on a 2-core machine running the rest of the build moves by more than
            // 2x from run to run (42 against 116 ms was seen). Held on the engine thread, the others wait for the whole
            // second (about 1,050 ms), far past the bound.
            assertThat(with).as("p99 in ms beside the slow expression (without: " + without + " ms)")
                    .isLessThanOrEqualTo(2 * Math.max(without, 250));
        }
    }

    @Test
    void slowTemplatesAndConditionsAreMovedOffTheEngineThreadsAndStoppedByTheTimeLimit() throws Exception {
        try (TestEngine t = engine()) {
            List<ExecutionHandle> slow = List.of(
                    t.start("""
                            {"id": "slow-template", "nodes": [{"id": "bad", "integrationId": "core", "actionId": "set",
                              "configuration": {"values": {"sum": "{{ %s }}"}}}]}""".formatted(SLOW), "{}"),
                    t.start("""
                            {"id": "slow-condition", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"},
                              {"id": "b", "integrationId": "core", "actionId": "noop"}],
                             "connections": [{"fromNodeId": "a", "toNodeId": "b", "condition": "%s > 0"}]}""".formatted(SLOW), "{}"));
            // Meanwhile the others run on the engine thread.
            assertThat(run(t, t.scenario(OTHERS), 200)).hasSize(200);
            slow.forEach(handle -> assertTimedOut(TestEngine.await(handle)));
        }
    }

    private static void assertTimedOut(ExecutionResult result) {
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        assertThat(result.error().message()).contains("SB_EXPRESSION_TIMEOUT");
    }

    /**
     * Runs {@code count} executions, 32 at a time (enough that a one-second stall reaches more than 1% of them, where a
     * p99 sees it); their durations in ms.
     */
    private static List<Long> run(TestEngine t, Scenario scenario, int count) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                all.add(CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    ExecutionResult result = TestEngine.await(t.engine.start(scenario, TestEngine.json("{\"n\": " + n + "}")));
                    assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                }, callers));
            }
            return all.stream().map(CompletableFuture::join).toList();
        } finally {
            callers.shutdown();
        }
    }

    private static long p99(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }
}
