package io.scenariobuilder.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Durable executions: a 5-node {@code core} scenario (set, transform, noop, log, transform) on the embedded SQLite
 * store, every node start and result committed before the engine moves on. {@code fsync} false: commits survive a
 * killed process; true: they survive a power loss (fsync at every group commit).
 */
@State(Scope.Benchmark)
public class DurableThroughputBenchmark {

    static final int IN_FLIGHT = 500;

    /** Five {@code core} nodes in a line: set, transform, noop, log, transform (also {@link ClusterBench}'s). */
    static final String SCENARIO = """
                {"nodes": [
                  {"id": "order", "integrationId": "core", "actionId": "set", "configuration": {"values": {"id": "{{ trigger.id }}", "qty": 3}}},
                  {"id": "price", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.qty * 9.5"}},
                  {"id": "pass", "integrationId": "core", "actionId": "noop"},
                  {"id": "note", "integrationId": "core", "actionId": "log", "configuration": {"message": "priced {{ input }}", "level": "debug"}},
                  {"id": "done", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{'total': input}"}}
                ], "connections": [
                  {"fromNodeId": "order", "toNodeId": "price"}, {"fromNodeId": "price", "toNodeId": "pass"},
                  {"fromNodeId": "pass", "toNodeId": "note"}, {"fromNodeId": "note", "toNodeId": "done"}
                ]}""";

    @Param({"false", "true"})
    public boolean fsync;

    private Path dir;
    private JdbcExecutionStore store;
    private ExecutionEngine engine;
    private CompiledScenario scenario;
    private JsonNode trigger;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sb-bench-store-");
        store = new JdbcExecutionStore(StoreSettings.embedded(dir).withFsync(fsync));
        Injector injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults()))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        injector.getInstance(IntegrationRegistry.class)
                .register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
        engine = injector.getInstance(ExecutionEngine.class);
        scenario = injector.getInstance(ScenarioValidator.class).compile(injector.getInstance(ScenarioParser.class).parseOrThrow(SCENARIO, "durable"));
        trigger = new ObjectMapper().createObjectNode().put("id", 42);
        ExecutionResult check = engine.start(scenario, trigger).completion().toCompletableFuture().join();
        if (check.status() != ExecutionStatus.COMPLETED || store.find(check.id()).isEmpty()) {
            throw new IllegalStateException("the benchmark scenario did not complete durably: " + check);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        System.out.printf("%n[store] %d writes in %d commits: %.1f writes a commit; database %d KB%n", store.writes(),
                store.commits(), (double) store.writes() / Math.max(1, store.commits()), size(dir) / 1024);
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Executions per second with {@value #IN_FLIGHT} in flight. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(IN_FLIGHT)
    public Object throughput() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            all[i] = engine.start(scenario, trigger).completion().toCompletableFuture();
        }
        return CompletableFuture.allOf(all).join();
    }

    /** One execution at a time, start to durable result: the latency distribution (p50, p99). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ExecutionResult latency() {
        return engine.start(scenario, trigger).completion().toCompletableFuture().join();
    }
}
