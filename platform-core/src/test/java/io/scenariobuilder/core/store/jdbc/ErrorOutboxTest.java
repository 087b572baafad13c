package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.store.ErrorNotification;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.testing.TestEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error scenario's notification goes into an outbox in the transaction that stores the failure: one that cannot
 * start now is tried again until it does, and one left at a stop is sent at the next start. Never lost.
 */
class ErrorOutboxTest {

    private static final String ALERTS = """
            {"id": "alerts", "nodes": [{"id": "notify", "integrationId": "test", "actionId": "record"}]}""";
    private static final String ORDERS = """
            {"id": "orders", "errorScenarioId": "alerts", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
              "configuration": {"errorType": "invalid_input"}}]}""";

    @TempDir
    Path dir;

    private final Map<String, Scenario> saved = new ConcurrentHashMap<>();

    private TestEngine engine(JdbcExecutionStore store) {
        TestEngine t = new TestEngine(Modules.override(new EngineModule(new EngineSettings(2, 100, 1L))).with(binder -> {
            binder.bind(ExecutionStore.class).toInstance(store);
            binder.bind(ScenarioSource.class).toInstance(id -> Optional.ofNullable(saved.get(id)));
        }));
        saved.put("alerts", t.scenario(ALERTS));
        return t;
    }

    /** The store refuses to store the error scenario's executions, as it would while its row cannot be written. */
    private static void refuseAlerts(JdbcExecutionStore store, boolean refuse) throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement st = connection.createStatement()) {
            st.execute(refuse ? "CREATE TRIGGER refuse_alerts BEFORE INSERT ON executions WHEN NEW.scenario_id = 'alerts' "
                    + "BEGIN SELECT RAISE(ABORT, 'not now'); END" : "DROP TRIGGER refuse_alerts");
        }
    }

    @Test
    void aNotificationThatCannotStartIsTriedAgainUntilItDoes() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir)); TestEngine t = engine(store)) {
            refuseAlerts(store, true);
            ExecutionResult failed = t.run(ORDERS);
            assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(store.pendingNotifications()).extracting(ErrorNotification::failedExecutionId).containsExactly(failed.id());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.logs(failed.id()))
                    .anySatisfy(line -> assertThat(line.message()).contains("could not start").contains("trying again")));

            refuseAlerts(store, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> store.pendingNotifications().isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> t.test.runs("notify") == 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.logs(failed.id()))
                    .anySatisfy(line -> assertThat(line.message()).contains("error scenario 'alerts' notified")));
        }
    }

    @Test
    void aNotificationLeftAtAStopIsSentAtTheNextStart() throws Exception {
        String failedId;
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir)); TestEngine t = engine(store)) {
            refuseAlerts(store, true);
            ExecutionResult failed = t.run(ORDERS);
            failedId = failed.id();
            assertThat(store.pendingNotifications()).hasSize(1);
        }
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir)); TestEngine t = engine(store)) {
            refuseAlerts(store, false);
            assertThat(store.pendingNotifications()).as("kept across the stop").hasSize(1);
            t.engine.resumeUnfinished();
            await().atMost(Duration.ofSeconds(10)).until(() -> t.test.runs("notify") == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingNotifications().isEmpty());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.logs(failedId))
                    .anySatisfy(line -> assertThat(line.message()).contains("error scenario 'alerts' notified")));
        }
    }

    @Test
    void aNotificationWhoseErrorScenarioDoesNotCompileIsLoggedOnceAndDropped() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir)); TestEngine t = engine(store)) {
            saved.put("alerts", t.scenario("""
                    {"id": "alerts", "nodes": [{"id": "notify", "integrationId": "gone", "actionId": "record"}]}"""));
            ExecutionResult failed = t.run(ORDERS);
            assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.logs(failed.id()))
                    .anySatisfy(line -> assertThat(line.message()).contains("error scenario 'alerts' does not compile")));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingNotifications().isEmpty());
            assertThat(store.logs(failed.id())).noneSatisfy(line -> assertThat(line.message()).contains("trying again"));
        }
    }
}
