package io.scenariobuilder.core.bigdata;

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
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link BigDataTest}: runs COUNT executions at once whose nodes pass a 10,000-item array of
 * about 10 MB, on the SQLite store in DIR, and exits 0 when every one completed with the right counts (1 if not;
 * an OutOfMemoryError ends it otherwise).
 */
public final class BigDataWorker {

    static final String SCENARIO = """
            {"id": "big-data", "nodes": [
              {"id": "make", "integrationId": "core", "actionId": "transform",
               "configuration": {"expression": "[1..10000].{'id': $, 'name': 'item ' & $, 'payload': $pad('', 900, 'x')}"}},
              {"id": "pass", "integrationId": "core", "actionId": "noop"},
              {"id": "count", "integrationId": "core", "actionId": "transform",
               "configuration": {"expression": "{'items': $count(input), 'lastId': input[-1].id}"}}
            ], "connections": [{"fromNodeId": "make", "toNodeId": "pass"}, {"fromNodeId": "pass", "toNodeId": "count"}]}""";

    private BigDataWorker() {
    }

    public static void main(String[] args) throws Exception {
        JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(Path.of(args[0])));
        Injector injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults()))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        injector.getInstance(IntegrationRegistry.class)
                .register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
        ExecutionEngine engine = injector.getInstance(ExecutionEngine.class);
        var scenario = injector.getInstance(ScenarioParser.class).parseOrThrow(SCENARIO, "big");
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            // Keep only the verdict: a caller holding twenty 10 MB results would itself need the memory under test.
            results.add(engine.executeScenario(scenario, new ObjectMapper().createObjectNode())
                    .toCompletableFuture().thenApply(BigDataWorker::correct));
        }
        boolean all = results.stream().allMatch(CompletableFuture::join);
        engine.close();
        store.close();
        System.out.println(all ? "all-correct" : "some-wrong");
        System.exit(all ? 0 : 1);
    }

    private static boolean correct(ExecutionResult result) {
        return result.status() == ExecutionStatus.COMPLETED
                && result.requireNode("count").output().path("items").asInt() == 10_000
                && result.requireNode("count").output().path("lastId").asInt() == 10_000;
    }
}
