package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result read live and the same result read back from the store show the same times (milliseconds). */
class TimePrecisionTest {

    @TempDir
    Path dir;

    @Test
    void liveAndStoredResultsShowTheSameTimes() {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
                TestEngine t = new TestEngine(Modules.override(new EngineModule(new EngineSettings(2, 100, 42L)))
                        .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)))) {
            ExecutionResult live = t.run("""
                    {"id": "times", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"},
                      {"id": "b", "integrationId": "core", "actionId": "log", "configuration": {"message": "hello"}}],
                     "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""");
            ExecutionResult stored = org.awaitility.Awaitility.await().until(() -> store.find(live.id()).orElse(null),
                    found -> found != null && found.status() == live.status() && found.endTime() != null);
            assertThat(stored.startTime()).isEqualTo(live.startTime());
            assertThat(stored.endTime()).isEqualTo(live.endTime());
            for (NodeRecord node : live.nodes()) {
                NodeRecord back = stored.requireNode(node.nodeId());
                assertThat(back.startTime()).as(node.nodeId()).isEqualTo(node.startTime());
                assertThat(back.endTime()).as(node.nodeId()).isEqualTo(node.endTime());
            }
            List<Instant> times = List.of(live.startTime(), live.endTime(), live.requireNode("a").startTime());
            assertThat(times).allSatisfy(time -> assertThat(time.getNano() % 1_000_000).isZero());
        }
    }
}
