package io.scenariobuilder.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Engine overhead: executions of {@code noop} scenarios in memory, so everything measured is the engine (state
 * machine, store writes, scheduling, result building), not the actions.
 *
 * <ul>
 *   <li>{@code latency}: one execution at a time; the score is microseconds per node (divide by nothing).
 *   <li>{@code throughput}: {@value #BATCH} executions in flight at once; the score is node executions per second.
 * </ul>
 */
@State(Scope.Benchmark)
public class EngineOverheadBenchmark {

    static final int BATCH = 200;

    /** {@code linear10}: a chain of 10 nodes. {@code wide100}: one start node fanning out to 98, joined by one. */
    @Param({"linear10", "wide100"})
    public String shape;

    /** {@code on}: the engine records its metrics, as in the server. {@code off}: it records nothing. */
    @Param({"on", "off"})
    public String metrics;

    private ExecutionEngine engine;
    private CompiledScenario scenario;
    private JsonNode trigger;
    private int nodes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Module module = new EngineModule(EngineSettings.defaults());
        if (metrics.equals("off")) {
            module = Modules.override(module).with(binder -> binder.bind(EngineMetrics.class).toInstance(EngineMetrics.disabled()));
        }
        Injector injector = Engines.injector(module);
        injector.getInstance(IntegrationRegistry.class)
                .register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
        engine = injector.getInstance(ExecutionEngine.class);
        String json = shape.equals("linear10") ? linear(10) : wide(100);
        nodes = shape.equals("linear10") ? 10 : 100;
        scenario = injector.getInstance(ScenarioValidator.class)
                .compile(injector.getInstance(ScenarioParser.class).parseOrThrow(json, shape));
        trigger = new ObjectMapper().readTree("{\"orderId\": 42, \"lines\": [1, 2, 3]}");
        ExecutionResult check = runOne();
        if (check.status() != ExecutionStatus.COMPLETED || check.completedNodes() != nodes) {
            throw new IllegalStateException("benchmark scenario did not complete: " + check);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    private ExecutionResult runOne() {
        return engine.start(scenario, trigger).completion().toCompletableFuture().join();
    }

    /** One execution at a time: per-node latency the engine adds. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ExecutionResult latency() {
        return runOne();
    }

    /** Many executions in flight: node executions per second across the engine's threads. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public Object throughput() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            all[i] = engine.start(scenario, trigger).completion().toCompletableFuture();
        }
        return CompletableFuture.allOf(all).join();
    }

    static String linear(int n) {
        StringBuilder json = new StringBuilder("{\"nodes\": [");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append(node("n" + i));
        }
        json.append("], \"connections\": [");
        for (int i = 1; i < n; i++) {
            json.append(i == 1 ? "" : ",").append(connection("n" + (i - 1), "n" + i));
        }
        return json.append("]}").toString();
    }

    static String wide(int n) {
        StringBuilder json = new StringBuilder("{\"settings\": {\"maxConcurrentNodes\": 100}, \"nodes\": [").append(node("start"));
        for (int i = 0; i < n - 2; i++) {
            json.append(',').append(node("w" + i));
        }
        json.append(',').append(node("end")).append("], \"connections\": [");
        for (int i = 0; i < n - 2; i++) {
            json.append(i == 0 ? "" : ",").append(connection("start", "w" + i)).append(',').append(connection("w" + i, "end"));
        }
        return json.append("]}").toString();
    }

    private static String node(String id) {
        return "{\"id\": \"" + id + "\", \"integrationId\": \"core\", \"actionId\": \"noop\"}";
    }

    private static String connection(String from, String to) {
        return "{\"fromNodeId\": \"" + from + "\", \"toNodeId\": \"" + to + "\"}";
    }
}
