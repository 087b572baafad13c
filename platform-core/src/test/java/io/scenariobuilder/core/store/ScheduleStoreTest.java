package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleStoreTest {

    @TempDir
    Path dir;

    @Test
    void aTickIsClaimedOnceAndOnlyLaterTicksAfterIt() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir))) {
            JdbcScheduleStore schedules = new JdbcScheduleStore(store.dataSource());
            Instant tick = Instant.parse("2026-11-26T10:00:00Z");
            assertThat(schedules.lastTick("s")).isEmpty();
            // Eight claimants race for the same first tick: one wins.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(pool.submit(() -> schedules.claim("s", tick)));
            }
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(won).isEqualTo(1);
            assertThat(schedules.claim("s", tick)).isFalse();
            assertThat(schedules.claim("s", tick.minusSeconds(60))).isFalse();
            assertThat(schedules.claim("s", tick.plusSeconds(60))).isTrue();
            assertThat(schedules.lastTick("s")).contains(tick.plusSeconds(60));
            schedules.forget("s");
            assertThat(schedules.lastTick("s")).isEmpty();
        }
    }

    @Test
    void aTickIsClaimedInTheTransactionThatStoresItsExecution() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir))) {
            JdbcScheduleStore schedules = new JdbcScheduleStore(store.dataSource());
            Instant tick = Instant.parse("2026-11-26T10:00:00Z");
            created(store, "e1", new ScheduleTick("s", tick)).get(10, TimeUnit.SECONDS);
            assertThat(schedules.lastTick("s")).contains(tick);

            assertThatThrownBy(() -> created(store, "e2", new ScheduleTick("s", tick)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ScheduleTick.AlreadyRunException.class);
            assertThat(store.find("e2")).as("a tick that ran already stores nothing").isEmpty();

            // The execution's insert is refused: the claim rolls back with it, so the tick is not lost.
            try (var connection = store.dataSource().getConnection(); var st = connection.createStatement()) {
                st.execute("CREATE TRIGGER refuse BEFORE INSERT ON executions WHEN NEW.id = 'e3' BEGIN SELECT RAISE(ABORT, 'refused'); END");
            }
            assertThatThrownBy(() -> created(store, "e3", new ScheduleTick("s", tick.plusSeconds(60))).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("refused");
            assertThat(schedules.lastTick("s")).as("the claim went with the refused execution").contains(tick);
            created(store, "e4", new ScheduleTick("s", tick.plusSeconds(60))).get(10, TimeUnit.SECONDS);
            assertThat(schedules.lastTick("s")).contains(tick.plusSeconds(60));
            assertThat(store.find("e4")).isPresent();
        }
    }

    @Test
    void theEngineStartsATickOnceAndForgetsTheRunThatLostTheClaim() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
                TestEngine t = new TestEngine(Modules.override(new EngineModule(new EngineSettings(2, 100, 1L)))
                        .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)))) {
            var scenario = t.scenario("""
                    {"id": "cron", "nodes": [{"id": "a", "integrationId": "test", "actionId": "record"}]}""");
            ScheduleTick tick = new ScheduleTick("cron", Instant.parse("2026-11-26T10:00:00Z"));
            ExecutionHandle one = t.engine.start(scenario, TestEngine.json("{}"), TraceContext.fresh(), tick);
            ExecutionHandle other = t.engine.start(scenario, TestEngine.json("{}"), TraceContext.fresh(), tick);
            // The two runs store themselves concurrently: either may win the claim.
            await().atMost(Duration.ofSeconds(10)).until(() -> one.completion().toCompletableFuture().isDone()
                    && other.completion().toCompletableFuture().isDone());
            boolean oneWon = !one.accepted().toCompletableFuture().isCompletedExceptionally();
            ExecutionHandle first = oneWon ? one : other;
            ExecutionHandle second = oneWon ? other : one;
            assertThat(TestEngine.await(first).status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThatThrownBy(() -> second.accepted().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ScheduleTick.AlreadyRunException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.activeExecutions() == 0);
            assertThat(store.find(second.executionId())).isEmpty();
            assertThat(t.test.runs("a")).isEqualTo(1);
        }
    }

    private static java.util.concurrent.CompletableFuture<Void> created(JdbcExecutionStore store, String id, ScheduleTick tick) {
        return store.executionCreated(id, "s", 1, ExecutionStoreContract.SNAPSHOT, ExecutionStoreContract.json("{}"), ExecutionStatus.QUEUED,
                Instant.now(), TraceContext.fresh(), tick).toCompletableFuture();
    }
}
