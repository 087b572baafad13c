package io.scenariobuilder.core.crash;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link CrashRecoveryContract}: runs executions on the store (SQLite in {@code dir}, or the
 * database in {@code CRASH_STORE_URL}) until it is killed. Its {@code effect.touch} action sleeps, then appends {@code "<idempotencyKey> <round>"} to
 * {@code dir/effects.log}, the side effect an external system would see.
 *
 * <pre>
 * CrashWorker DIR ROUND start COUNT   start COUNT executions (trigger {"n": i}); print "accepted ID N" for each
 * CrashWorker DIR ROUND resume        resume the unfinished ones
 * </pre>
 * Either way it prints "all-done" and exits 0 once everything it runs has finished.
 */
public final class CrashWorker {

    static final String SCENARIO = """
            {"id": "crashy", "settings": {"maxConcurrentNodes": 4}, "nodes": [
              {"id": "a", "integrationId": "effect", "actionId": "touch", "configuration": {"ms": 15}},
              {"id": "b", "integrationId": "effect", "actionId": "touch", "configuration": {"ms": 25}},
              {"id": "even", "integrationId": "effect", "actionId": "touch", "configuration": {"ms": 10}},
              {"id": "total", "integrationId": "core", "actionId": "transform",
               "configuration": {"expression": "{'n': trigger.n, 'double': trigger.n * 2, 'even': nodes.even.status = 'completed'}"}}
            ], "connections": [
              {"fromNodeId": "a", "toNodeId": "b"},
              {"fromNodeId": "a", "toNodeId": "even", "condition": "trigger.n % 2 = 0"},
              {"fromNodeId": "b", "toNodeId": "total"}, {"fromNodeId": "even", "toNodeId": "total"}
            ]}""";

    private CrashWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String round = args[1];
        Path effects = dir.resolve("effects.log");
        JdbcExecutionStore store = new JdbcExecutionStore(settings(dir));
        Injector injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults()))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        IntegrationRegistry registry = injector.getInstance(IntegrationRegistry.class);
        registry.register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
        registry.register(new IntegrationManifest("effect", "Effect", "1.0.0", "side effects", null, null, List.of(
                ActionDefinition.builder("touch", context -> {
                    Thread.sleep(context.configuration().get("ms").asLong());
                    synchronized (CrashWorker.class) {
                        Files.writeString(effects, context.idempotencyKey() + " " + round + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                    return ActionResult.of(context.input());
                }).field(DynamicFieldConfig.builder("ms", FieldType.NUMBER).build()).build())),
                CrashWorker.class.getClassLoader(), "effect");
        ExecutionEngine engine = injector.getInstance(ExecutionEngine.class);
        List<CompletableFuture<?>> running = new ArrayList<>();
        if (args[2].equals("start")) {
            var scenario = injector.getInstance(ScenarioParser.class).parseOrThrow(SCENARIO, "crashy");
            ObjectMapper json = new ObjectMapper();
            for (int n = 0; n < Integer.parseInt(args[3]); n++) {
                ExecutionHandle handle = engine.start(scenario, json.createObjectNode().put("n", n));
                int number = n;
                handle.accepted().thenRun(() -> print("accepted " + handle.executionId() + " " + number));
                running.add(handle.completion().toCompletableFuture());
            }
        } else {
            for (ExecutionHandle handle : engine.resumeUnfinished()) {
                running.add(handle.completion().toCompletableFuture());
            }
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        engine.close();
        store.close();
        print("all-done");
        System.exit(0);
    }

    /** SQLite in {@code dir}, or the database named by {@code CRASH_STORE_URL} (user and password beside it). */
    static StoreSettings settings(Path dir) {
        String url = System.getenv("CRASH_STORE_URL");
        if (url == null) {
            return StoreSettings.embedded(dir);
        }
        return new StoreSettings(url, System.getenv("CRASH_STORE_USER"), System.getenv("CRASH_STORE_PASSWORD"), false, 1_000,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static List<String> effects(Path dir) throws IOException {
        Path file = dir.resolve("effects.log");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
