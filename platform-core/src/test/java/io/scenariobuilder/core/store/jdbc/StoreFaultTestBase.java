package io.scenariobuilder.core.store.jdbc;

import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.testing.TestEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** What the store fault tests share: a 3-node chain of recording nodes, and an engine on the store under test. */
abstract class StoreFaultTestBase {

    static final String SCENARIO = """
            {"id": "chain", "nodes": [
              {"id": "a", "integrationId": "test", "actionId": "record"},
              {"id": "b", "integrationId": "test", "actionId": "record"},
              {"id": "c", "integrationId": "test", "actionId": "record"}
            ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""";

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    /** An engine on {@code store}, both closed after the test. */
    TestEngine engine(JdbcExecutionStore store) {
        toClose.add(store);
        TestEngine engine = new TestEngine(Modules.override(new EngineModule(new EngineSettings(4, 1_000, 7L)))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        toClose.add(engine);
        return engine;
    }
}
