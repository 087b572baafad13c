package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestPostgres;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL. */
class PostgresExecutionStoreTest extends ExecutionStoreContract {

    private final StoreSettings settings = TestPostgres.freshDatabase();
    private JdbcExecutionStore store;

    @Override
    protected ExecutionStore store() {
        if (store == null) {
            store = new JdbcExecutionStore(settings);
        }
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void whatWasCommittedIsThereAfterReopening() {
        JdbcExecutionStore first = new JdbcExecutionStore(settings);
        done(first.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh()));
        done(first.nodeUpdated("e", new NodeRecord("n", NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json("{\"a\": 1}"), null)));
        first.close();
        assertThat(store().find("e").orElseThrow().requireNode("n").output()).isEqualTo(json("{\"a\": 1}"));
        assertThat(store().unfinished()).extracting(ResumableExecution::id).containsExactly("e");
    }
}
