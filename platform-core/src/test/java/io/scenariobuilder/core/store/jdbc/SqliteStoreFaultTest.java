package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.testing.TestEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Real faults of the embedded store under a running engine: a database another process keeps locked past the busy
 * timeout, a full disk, and one row the database refuses. A transient fault fails nothing (writes wait, then
 * commit); a refused row fails only its own execution, in memory and in the store alike.
 */
class SqliteStoreFaultTest extends StoreFaultTestBase {


    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty("sb.store.busyTimeoutMs");
    }


    private static List<ExecutionHandle> start(TestEngine t, int count, String trigger) {
        List<ExecutionHandle> handles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            handles.add(t.start(SCENARIO, trigger));
        }
        return handles;
    }

    /** Each execution completed, in memory and in the store, and each node ran exactly {@code runs} times in all. */
    private static void assertAllCompleted(TestEngine t, JdbcExecutionStore store, List<ExecutionHandle> handles, int runs) throws Exception {
        for (ExecutionHandle handle : handles) {
            ExecutionResult result = handle.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(result.status()).as(result.toString()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(store.find(handle.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        }
        for (String node : List.of("a", "b", "c")) {
            assertThat(t.test.runs(node)).as("runs of " + node).isEqualTo(runs);
        }
    }

    @Test
    void aDatabaseLockedPastTheBusyTimeoutHoldsWritesAndFailsNothing() throws Exception {
        System.setProperty("sb.store.busyTimeoutMs", "100");
        JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
        TestEngine t = engine(store);
        assertAllCompleted(t, store, start(t, 1, "{\"v\": 1}"), 1);

        List<ExecutionHandle> handles;
        // Another process's write lock, as the sqlite3 shell or a backup tool takes it.
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("scenario-builder.db"));
                Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            handles = start(t, 20, "{\"v\": 2}");
            await().atMost(Duration.ofSeconds(20)).until(() -> store.unavailableFor().isPresent());
            assertThat(store.unavailableBecause()).contains("SQLITE_BUSY");
            // Held past many busy timeouts: nothing is accepted yet, nothing failed.
            await().atMost(Duration.ofSeconds(20)).until(() -> store.unavailableFor().orElse(Duration.ZERO).toMillis() > 1_000);
            assertThat(handles).noneMatch(h -> h.accepted().toCompletableFuture().isDone());
            st.execute("COMMIT");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> store.unavailableFor().isEmpty());
        assertAllCompleted(t, store, handles, 21);
    }

    @Test
    void aFullDiskHoldsWritesUntilThereIsRoomAgain() throws Exception {
        FullDisk disk = FullDisk.mountOrSimulate(dir.resolve("disk"));
        toClose.add(disk);
        JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(disk.folder()), PlatformMetrics.create(Clock.systemUTC()),
                disk.writerPool());
        TestEngine t = engine(store);
        assertAllCompleted(t, store, start(t, 1, "{\"v\": 1}"), 1);

        disk.fill();
        // Triggers big enough that the WAL must grow: the disk has no room for them.
        String big = "{\"v\": \"" + "x".repeat(200_000) + "\"}";
        List<ExecutionHandle> handles = start(t, 10, big);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.unavailableFor().isPresent());
        assertThat(store.unavailableBecause()).containsAnyOf("SQLITE_FULL", "disk is full", "SQLITE_IOERR");
        assertThat(handles).noneMatch(h -> h.accepted().toCompletableFuture().isCompletedExceptionally());

        disk.free();
        await().atMost(Duration.ofSeconds(30)).until(() -> store.unavailableFor().isEmpty());
        assertAllCompleted(t, store, handles, 11);
    }

    @Test
    void aRowTheDatabaseRefusesFailsOnlyItsOwnExecutionInMemoryAndInTheStore() throws Exception {
        JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
        TestEngine t = engine(store);
        // A row the database refuses for good: as a constraint, a corrupt value or a bug in a migration would.
        try (Connection connection = store.dataSource().getConnection(); Statement st = connection.createStatement()) {
            st.execute("CREATE TRIGGER poison BEFORE INSERT ON node_records WHEN NEW.output LIKE '%poison%' "
                    + "BEGIN SELECT RAISE(ABORT, 'this row is refused'); END");
        }
        List<ExecutionHandle> handles = new ArrayList<>(start(t, 10, "{\"v\": 1}"));
        ExecutionHandle poisoned = t.start(SCENARIO, "{\"v\": \"poison\"}");
        handles.addAll(start(t, 10, "{\"v\": 2}"));

        ExecutionResult failed = poisoned.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error().type()).isEqualTo(ErrorType.INTERNAL_ERROR);
        assertThat(failed.error().message()).contains("this row is refused");
        ExecutionResult stored = store.find(poisoned.executionId()).orElseThrow();
        assertThat(stored.status()).as("the store says what memory says").isEqualTo(ExecutionStatus.FAILED);
        assertThat(stored.error().type()).isEqualTo(ErrorType.INTERNAL_ERROR);
        for (ExecutionHandle handle : handles) {
            ExecutionResult result = handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(store.find(handle.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        }

        // Once the cause is gone, a retry runs it on: the store takes its writes again.
        try (Connection connection = store.dataSource().getConnection(); Statement st = connection.createStatement()) {
            st.execute("DROP TRIGGER poison");
        }
        assertThat(stored.nodes()).as("a's result was the refused write: it is not stored as completed")
                .noneMatch(node -> node.status() == io.scenariobuilder.core.engine.NodeStatus.COMPLETED);
        ExecutionResult retried = TestEngine.await(t.engine.retry(poisoned.executionId()));
        assertThat(retried.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(store.find(poisoned.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(t.test.runs("a")).as("the retry runs a again, since its result never reached the store").isEqualTo(22);
        assertThat(store.find(poisoned.executionId()).orElseThrow().nodes()).extracting(node -> node.status().id())
                .containsOnly("completed").hasSize(3);
    }


    @Test
    void anExecutionTheStoreRefusesToCreateIsNeverShownAsOne() throws Exception {
        JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
        TestEngine t = engine(store);
        try (Connection connection = store.dataSource().getConnection(); Statement st = connection.createStatement()) {
            st.execute("CREATE TRIGGER refuse BEFORE INSERT ON executions BEGIN SELECT RAISE(ABORT, 'no new executions'); END");
        }
        ExecutionHandle refused = t.start(SCENARIO, "{}");
        assertThatThrownBy(() -> refused.accepted().toCompletableFuture().get(10, TimeUnit.SECONDS)).hasMessageContaining("no new executions");
        assertThatThrownBy(() -> refused.completion().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .as("a waiting caller is told it failed, not handed the result of an execution that does not exist")
                .hasMessageContaining("no new executions");
        assertThat(store.find(refused.executionId())).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.activeExecutions() == 0);
        assertThat(t.test.runs("a")).isZero();
    }

    /**
     * A disk that fills up: a 64 MiB tmpfs when this process may mount one (root), filled with a file and freed by
     * deleting it; otherwise the writer's JDBC layer fails every write with SQLite's own {@code SQLITE_FULL} error
     * while the disk is "full".
     */
    private static final class FullDisk implements AutoCloseable {
        private final Path folder;
        private final boolean mounted;
        private final AtomicBoolean full = new AtomicBoolean();

        private FullDisk(Path folder, boolean mounted) {
            this.folder = folder;
            this.mounted = mounted;
        }

        static FullDisk mountOrSimulate(Path folder) throws IOException, InterruptedException {
            Files.createDirectories(folder);
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", folder.toString())
                    .redirectErrorStream(true).start();
            boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
            return new FullDisk(folder, mounted);
        }

        Path folder() {
            return folder;
        }

        UnaryOperator<DataSource> writerPool() {
            return mounted ? UnaryOperator.identity() : this::failing;
        }

        void fill() throws IOException {
            if (!mounted) {
                full.set(true);
                return;
            }
            byte[] block = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(folder.resolve("filler"))) {
                while (true) {
                    out.write(block);
                }
            } catch (IOException noSpace) {
                // the disk is full now
            }
        }

        void free() throws IOException {
            full.set(false);
            Files.deleteIfExists(folder.resolve("filler"));
        }

        private DataSource failing(DataSource pool) {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                Object result = invoke(pool, method, args);
                return result instanceof Connection connection ? wrap(connection, Connection.class) : result;
            });
        }

        @SuppressWarnings("unchecked")
        private <T> T wrap(T target, Class<T> type) {
            return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                if (full.get() && (method.getName().startsWith("execute") || method.getName().equals("commit"))) {
                    throw new SQLiteException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)",
                            SQLiteErrorCode.SQLITE_FULL);
                }
                Object result = invoke(target, method, args);
                if (result instanceof PreparedStatement statement) {
                    return wrap(statement, PreparedStatement.class);
                }
                if (result instanceof Statement statement) {
                    return wrap(statement, Statement.class);
                }
                return result;
            });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() throws Exception {
            if (mounted) {
                new ProcessBuilder("umount", "-l", folder.toString()).start().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
