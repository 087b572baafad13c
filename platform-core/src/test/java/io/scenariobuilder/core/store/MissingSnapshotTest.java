package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.util.Modules;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStateException;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unfinished execution whose scenario snapshot is gone (a failed batch, a prune racing an insert) was silently never
 * resumed: an inner join dropped it. It must be found, and failed with the reason.
 */
class MissingSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void anExecutionWhoseSnapshotIsMissingIsFailedWithTheReasonNotSkipped() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir))) {
            store.executionCreated("lost", "s", 1, new ScenarioSnapshot("h-lost", ExecutionStoreContract.json("{\"id\": \"s\", \"nodes\": []}")),
                    ExecutionStoreContract.json("{}"), ExecutionStatus.RUNNING, Instant.now(), TraceContext.fresh())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (var connection = store.dataSource().getConnection(); var st = connection.createStatement()) {
                st.execute("DELETE FROM scenario_snapshots WHERE hash = 'h-lost'");
            }
            assertThat(store.unfinished()).extracting(ResumableExecution::id).containsExactly("lost");

            try (TestEngine t = new TestEngine(Modules.override(new EngineModule(new EngineSettings(2, 100, 42L)))
                    .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)))) {
                assertThat(t.engine.resumeUnfinished()).isEmpty();
                ExecutionResult result = store.find("lost").orElseThrow();
                assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
                assertThat(result.error().type()).isEqualTo(ErrorType.INVALID_INPUT);
                assertThat(result.error().message()).contains("scenario it ran is missing");
                assertThatThrownBy(() -> t.engine.retry("lost")).isInstanceOf(ExecutionStateException.class)
                        .hasMessageContaining("missing from the store");
            }
        }
    }
}
