package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.testing.TestEngine;
import io.scenariobuilder.core.testing.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults of PostgreSQL under a load of 500 executions: every server connection killed again and again
 * ({@code pg_terminate_backend}), and the database stopped and started again. The writer reconnects and commits what
 * waited: every execution ends, completed, and no node runs twice.
 */
class PostgresStoreFaultTest extends StoreFaultTestBase {

    private static final int LOAD = 500;

    @TempDir
    Path dir;


    /** Every execution completed, as the engine says and as the store says (read again until the pool reconnected). */
    private static void assertAllCompletedOnce(TestEngine t, JdbcExecutionStore store, List<ExecutionHandle> handles) throws Exception {
        for (ExecutionHandle handle : handles) {
            ExecutionResult result = handle.completion().toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertThat(result.status()).as(result.toString()).isEqualTo(ExecutionStatus.COMPLETED);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            for (ExecutionHandle handle : handles) {
                assertThat(store.find(handle.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
            }
        });
        for (String node : List.of("a", "b", "c")) {
            assertThat(t.test.runs(node)).as("runs of " + node).isEqualTo(handles.size());
        }
        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void everyConnectionKilledAgainAndAgainDuringALoadFailsNothing() throws Exception {
        StoreSettings settings = TestPostgres.freshDatabase();
        JdbcExecutionStore store = new JdbcExecutionStore(settings);
        TestEngine t = engine(store);
        AtomicInteger killed = new AtomicInteger();
        List<ExecutionHandle> handles = new ArrayList<>();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try (Connection admin = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                Statement st = admin.createStatement()) {
            // Every server connection killed every 25 ms while the load runs.
            killer.scheduleWithFixedDelay(() -> {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
                    rs.next();
                    killed.addAndGet(rs.getInt(1));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 25, TimeUnit.MILLISECONDS);
            for (int i = 0; i < LOAD; i++) {
                handles.add(t.start(SCENARIO, "{\"i\": " + i + "}"));
                if (i % 50 == 0) {
                    handles.getLast().accepted().toCompletableFuture().get(60, TimeUnit.SECONDS); // spread the load over the kills
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> killed.get() >= 5);
        } finally {
            killer.shutdownNow();
            killer.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(killed.get()).as("server connections killed").isGreaterThanOrEqualTo(5);
        assertAllCompletedOnce(t, store, handles);
    }

    @Test
    void theDatabaseStoppedAndStartedAgainDuringALoadFailsNothing() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("work").toFile())
                .setDataDirectory(dir.resolve("data")).setCleanDataDirectory(false).setPort(port);
        EmbeddedPostgres first = builder.start();
        StoreSettings settings = new StoreSettings(first.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", false, 1_000,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
        JdbcExecutionStore store = new JdbcExecutionStore(settings);
        TestEngine t = engine(store);
        List<ExecutionHandle> handles = new ArrayList<>();
        for (int i = 0; i < LOAD / 2; i++) {
            handles.add(t.start(SCENARIO, "{\"i\": " + i + "}"));
        }
        first.close(); // the database stops under the load
        for (int i = LOAD / 2; i < LOAD; i++) {
            handles.add(t.start(SCENARIO, "{\"i\": " + i + "}"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> store.unavailableFor().isPresent());
        assertThat(handles).noneMatch(h -> h.completion().toCompletableFuture().isCompletedExceptionally());

        EmbeddedPostgres again = builder.start();
        toClose.add(again);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.unavailableFor().isEmpty());
        assertAllCompletedOnce(t, store, handles);
    }
}
