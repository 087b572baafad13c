package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.util.Modules;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteExecutionStoreTest extends ExecutionStoreContract {

    @TempDir
    Path dir;

    private final List<JdbcExecutionStore> opened = new ArrayList<>();

    private JdbcExecutionStore open(StoreSettings settings) {
        JdbcExecutionStore store = new JdbcExecutionStore(settings);
        opened.add(store);
        return store;
    }

    @Override
    protected ExecutionStore store() {
        return opened.isEmpty() ? open(StoreSettings.embedded(dir)) : opened.get(0);
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcExecutionStore::close);
    }

    /** The first prune of a busy store once held the writer for 7 s: now it goes in transactions of 500 at most. */
    @Test
    void pruningGoesInSmallTransactionsSoThatTheEngineNeverWaitsLong() throws Exception {
        JdbcExecutionStore store = (JdbcExecutionStore) store();
        for (int i = 0; i < 1_600; i++) {
            finished(store, "b" + i, "s", ExecutionStatus.COMPLETED, Instant.parse("2026-01-01T00:00:00Z"));
        }
        long commitsBefore = store.commits();

        assertThat(store.prune(Instant.EPOCH, 10).toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(1_590);

        assertThat(store.commits() - commitsBefore).as("one transaction per 500 executions, then the snapshots")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void pruningAClosedStoreFailsWithAStoreError() throws Exception {
        JdbcExecutionStore store = open(StoreSettings.embedded(Files.createDirectories(dir.resolve("closed"))));
        store.close();

        assertThatThrownBy(() -> store.prune(Instant.EPOCH, 10).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StoreException.class).hasMessageContaining("prune");
    }

    /** SB_DATA_DIR pointed at a folder whose scenario-builder.db is not a database (a copy cut short, another file). */
    @Test
    void aDatabaseFileThatIsNotADatabaseIsRefusedNamingItAndLeftAsItWas() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("garbage"));
        byte[] garbage = "these are not the bytes of a SQLite database, but they are long enough to be read".repeat(100)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(folder.resolve("scenario-builder.db"), garbage);

        assertThatThrownBy(() -> open(StoreSettings.embedded(folder))).isInstanceOf(StoreException.class)
                .hasMessageContaining("execution store at jdbc:sqlite:" + folder.resolve("scenario-builder.db"))
                .hasMessageContaining("not a database");
        assertThat(Files.readAllBytes(folder.resolve("scenario-builder.db"))).as("nothing written over it").isEqualTo(garbage);
    }

    /**
     * The server stops while the database is held by another program (a backup, the sqlite3 shell): the store does not
     * wait the outage out. Its queued write fails saying it was not committed, and the close returns.
     */
    @Test
    void closingWhileTheDatabaseIsHeldEndsPromptlyAndFailsTheUncommittedWrite() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("held"));
        System.setProperty("sb.store.busyTimeoutMs", "100");
        JdbcExecutionStore store;
        try {
            store = open(StoreSettings.embedded(folder));
        } finally {
            System.clearProperty("sb.store.busyTimeoutMs");
        }
        try (var other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("scenario-builder.db"));
                var st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            CompletableFuture<Void> write = store.executionCreated("held", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED,
                    Instant.now(), TraceContext.fresh()).toCompletableFuture();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> store.unavailableFor().isPresent());

            CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
            assertThat(closing).succeedsWithin(java.time.Duration.ofSeconds(15));
            assertThat(write).failsWithin(java.time.Duration.ofSeconds(1)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(StoreException.class)
                    .withMessageContaining("the execution store closed before this write was committed");
            st.execute("ROLLBACK");
        }
    }

    /** An API read racing the shutdown: a typed error naming what was read, never a raw SQL exception. */
    @Test
    void readingAClosedStoreFailsWithAStoreErrorNamingTheRead() throws Exception {
        JdbcExecutionStore store = open(StoreSettings.embedded(Files.createDirectories(dir.resolve("closed"))));
        store.close();

        assertThatThrownBy(() -> store.find("e1")).isInstanceOf(StoreException.class).hasMessageStartingWith("cannot read execution e1: ");
        assertThatThrownBy(() -> store.list(null, null, null, 10)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot list executions: ");
        assertThatThrownBy(() -> store.logs("e1")).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot read the logs of execution e1: ");
        assertThatThrownBy(() -> store.load("e1")).isInstanceOf(StoreException.class).hasMessageStartingWith("cannot read execution e1: ");
        assertThatThrownBy(store::unfinished).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot read the unfinished executions: ");
        assertThatThrownBy(store::pendingNotifications).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot read the error notifications waiting to be sent: ");
        assertThatThrownBy(() -> store.executionUpdated("e1", ExecutionStatus.FAILED, Instant.now(), null).toCompletableFuture().join())
                .hasCauseInstanceOf(StoreException.class).hasMessageContaining("the execution store is closed");
    }

    @Test
    void underContinuousWritesTheWalStaysBounded() throws Exception {
        System.setProperty("sb.store.walRestartPages", "256"); // 1 MiB instead of 16, to see it here quickly
        try (JdbcExecutionStore bounded = new JdbcExecutionStore(StoreSettings.embedded(Files.createDirectories(dir.resolve("bounded"))))) {
            Path boundedWal = Path.of(dir.resolve("bounded").resolve("scenario-builder.db") + "-wal");
            String big = "x".repeat(8_000);
            long largest = 0;
            // About 200 MB written back to back, one commit after another: without the restarts the WAL would hold it
            // all. With them it grows only while the checkpointer copies a cycle's frames, and past 4 times the restart
            // size (4 MiB here) the writer starts it over itself: a fast disk (200 MB/s of commits) no longer takes it
            // past 100 MB.
            for (int i = 0; i < 24_000; i++) {
                String id = "w" + i;
                done(bounded.executionCreated(id, "s", 1, SNAPSHOT, json("{\"pad\": \"" + big + "\"}"), ExecutionStatus.QUEUED,
                        Instant.parse("2026-01-01T00:00:00Z"), TraceContext.fresh()));
                if (Files.exists(boundedWal)) {
                    largest = Math.max(largest, Files.size(boundedWal));
                }
            }
            assertThat(bounded.walRestarts()).as("the WAL started over, again and again").isGreaterThanOrEqualTo(3);
            assertThat(largest).as("largest WAL, against 200 MB written").isLessThan(16L * 1024 * 1024);
        } finally {
            System.clearProperty("sb.store.walRestartPages");
        }
    }

    @Test
    void schemaVersionIsTheHighestMigration() throws Exception {
        int highest;
        try (var files = Files.list(Path.of("src/main/resources/io/scenariobuilder/core/store/migration"))) {
            highest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(JdbcExecutionStore.SCHEMA_VERSION).isEqualTo(highest);
    }

    @Test
    void flywayRunsOnlyWhenTheSchemaIsNotCurrent() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("versions"));
        try (JdbcExecutionStore created = new JdbcExecutionStore(StoreSettings.embedded(folder))) {
            assertThat(created.migrated()).as("a new database").isTrue();
        }
        try (JdbcExecutionStore reopened = new JdbcExecutionStore(StoreSettings.embedded(folder))) {
            assertThat(reopened.migrated()).as("current: Flyway is not started").isFalse();
            // An older schema: the last migrations (V18 and V19, the cluster's plugins and parked executions) undone.
            try (var connection = reopened.dataSource().getConnection(); var st = connection.createStatement()) {
                st.execute("DROP TABLE cluster_plugins");
                st.execute("ALTER TABLE executions DROP COLUMN parked_until");
                st.execute("DELETE FROM flyway_schema_history WHERE version = '" + (JdbcExecutionStore.SCHEMA_VERSION - 1) + "'");
                st.execute("DELETE FROM flyway_schema_history WHERE version = '" + JdbcExecutionStore.SCHEMA_VERSION + "'");
            }
        }
        try (JdbcExecutionStore upgraded = new JdbcExecutionStore(StoreSettings.embedded(folder))) {
            assertThat(upgraded.migrated()).isTrue();
            try (var connection = upgraded.dataSource().getConnection(); var st = connection.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cluster_plugins'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the table is back").isEqualTo(1);
            }
        }
    }

    @Test
    void whatWasCommittedIsThereAfterReopening() {
        JdbcExecutionStore store = open(StoreSettings.embedded(dir));
        done(store.executionCreated("e", "s", 1, SNAPSHOT, json("{\"k\": 1}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh()));
        done(store.nodeUpdated("e", new NodeRecord("n", NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json("[1]"), null)));
        store.close();
        store.close();
        assertThat(store.executionCreated("x", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh())
                .toCompletableFuture().isCompletedExceptionally()).isTrue();

        JdbcExecutionStore again = open(StoreSettings.embedded(dir));
        assertThat(again.find("e").orElseThrow().requireNode("n").output()).isEqualTo(json("[1]"));
        // New records continue after the old ones.
        done(again.nodeUpdated("e", new NodeRecord("m", NodeStatus.RUNNING, 1, Instant.EPOCH, null, null, json("null"), null)));
        assertThat(again.find("e").orElseThrow().nodes()).extracting(NodeRecord::nodeId).containsExactly("n", "m");
    }

    /** The cap counts UTF-8 bytes: an output of exactly the cap is kept whole, one byte more is cut. */
    @Test
    void anOutputOfExactlyTheCapIsKeptWholeAndOneByteMoreIsCut() {
        JdbcExecutionStore store = open(StoreSettings.embedded(dir).withMaxOutputBytes(4_096));
        done(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh()));
        // "é" is two bytes: the text is shorter than the cap in characters, not in bytes.
        String exact = "\"" + "é".repeat((4_096 - 2) / 2) + "\"";
        assertThat(exact.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(4_096);
        done(store.nodeUpdated("e", new NodeRecord("whole", NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json(exact), null)));
        assertThat(store.find("e").orElseThrow().requireNode("whole").output()).isEqualTo(json(exact));
        String over = "\"" + "é".repeat((4_096 - 2) / 2) + "x\"";
        done(store.nodeUpdated("e", new NodeRecord("cut", NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json(over), null)));
        assertThat(store.find("e").orElseThrow().requireNode("cut").output().get("originalBytes").asInt()).isEqualTo(4_097);
    }

    /** Writes committed together in one batch: a record without an end time does not take the one before's. */
    @Test
    void recordsWrittenInOneBatchKeepTheirOwnNulls() {
        JdbcExecutionStore store = open(StoreSettings.embedded(dir));
        Instant end = Instant.parse("2026-11-30T10:00:00Z");
        var writes = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Void>>();
        writes.add(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.RUNNING, Instant.EPOCH, TraceContext.fresh())
                .toCompletableFuture());
        for (int i = 0; i < 50; i++) {
            writes.add(store.nodeUpdated("e", new NodeRecord("done" + i, NodeStatus.COMPLETED, 1, Instant.EPOCH, end, 5L, json("1"), null,
                    end)).toCompletableFuture());
            writes.add(store.nodeUpdated("e", new NodeRecord("running" + i, NodeStatus.RUNNING, 1, Instant.EPOCH, null, null, json("null"),
                    null, null)).toCompletableFuture());
        }
        writes.forEach(java.util.concurrent.CompletableFuture::join);
        ExecutionResult stored = store.find("e").orElseThrow();
        for (int i = 0; i < 50; i++) {
            assertThat(stored.requireNode("done" + i).endTime()).isEqualTo(end);
            assertThat(stored.requireNode("done" + i).nextAttemptAt()).isEqualTo(end);
            assertThat(stored.requireNode("running" + i).endTime()).as("running" + i).isNull();
            assertThat(stored.requireNode("running" + i).nextAttemptAt()).as("running" + i).isNull();
        }
    }

    @Test
    void outputsLargerThanTheCapAreStoredCutAndSaySo() {
        JdbcExecutionStore store = open(StoreSettings.embedded(dir).withMaxOutputBytes(4_096));
        done(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh()));
        String big = "{\"text\": \"" + "x".repeat(10_000) + "\"}";
        done(store.nodeUpdated("e", new NodeRecord("n", NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json(big), null)));
        var stored = store.find("e").orElseThrow().requireNode("n").output();
        assertThat(stored.get("_truncated").asBoolean()).isTrue();
        assertThat(stored.get("originalBytes").asInt()).isEqualTo(big.replace(" ", "").length());
        assertThat(stored.get("preview").asText()).startsWith("{\"text\":\"xxx").hasSize(1_000);

        // What a resume or a retry feeds later nodes is the whole output, never the preview.
        done(store.executionUpdated("e", ExecutionStatus.RUNNING, null, null));
        assertThat(store.unfinished()).singleElement().satisfies(resumable ->
                assertThat(resumable.nodes().get(0).output()).isEqualTo(json(big)));
        assertThat(store.load("e").orElseThrow().nodes().get(0).output()).isEqualTo(json(big));
        // A later, smaller output of the same node replaces the preview; the API shows it as it is.
        done(store.nodeUpdated("e", new NodeRecord("n", NodeStatus.COMPLETED, 2, Instant.EPOCH, Instant.EPOCH, 0L, json("{\"small\": 1}"), null)));
        assertThat(store.load("e").orElseThrow().nodes().get(0).output()).isEqualTo(json("{\"small\": 1}"));
        // Pruned with its execution.
        done(store.executionUpdated("e", ExecutionStatus.COMPLETED, Instant.EPOCH, null));
        done(store.nodeUpdated("e", new NodeRecord("n", NodeStatus.COMPLETED, 3, Instant.EPOCH, Instant.EPOCH, 0L, json(big), null)));
        assertThat(store.prune(Instant.EPOCH.plusSeconds(1), 100).toCompletableFuture().join()).isEqualTo(1);
        try (var connection = store.dataSource().getConnection(); var st = connection.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM node_output_blobs")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentWritesShareCommits() throws Exception {
        JdbcExecutionStore store = open(StoreSettings.embedded(dir));
        done(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, Instant.EPOCH, TraceContext.fresh()));
        long commitsBefore = store.commits();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            CompletionStage<Void> write = store.nodeUpdated("e",
                    new NodeRecord("n" + i, NodeStatus.COMPLETED, 1, Instant.EPOCH, Instant.EPOCH, 0L, json("{\"i\": " + i + "}"), null));
            writes.add(write.toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(store.find("e").orElseThrow().nodes()).hasSize(5_000);
        assertThat(store.commits() - commitsBefore).as("commits for 5,000 writes").isLessThan(2_500);
        assertThat(store.writes()).isGreaterThanOrEqualTo(5_001);
    }

    @Test
    void withPruningTheDatabaseFileStopsGrowingUnderSteadyLoad() throws Exception {
        Path pruned = java.nio.file.Files.createDirectories(dir.resolve("pruned"));
        Path control = java.nio.file.Files.createDirectories(dir.resolve("control"));
        JdbcExecutionStore withRetention = open(StoreSettings.embedded(pruned));
        JdbcExecutionStore without = open(StoreSettings.embedded(control));
        long afterWarmUp = 0;
        int id = 0;
        for (int round = 1; round <= 12; round++) {
            for (int i = 0; i < 300; i++, id++) {
                Instant end = Instant.EPOCH.plusSeconds(id);
                finished(withRetention, "x" + String.format("%06d", id), "steady", ExecutionStatus.COMPLETED, end);
                finished(without, "x" + String.format("%06d", id), "steady", ExecutionStatus.COMPLETED, end);
            }
            withRetention.prune(Instant.EPOCH, 300).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (round == 3) {
                afterWarmUp = databaseBytes(pruned);
            }
        }
        long prunedSize = databaseBytes(pruned);
        long controlSize = databaseBytes(control);
        assertThat(prunedSize).as("pruned store: %d bytes after round 3, %d after round 12", afterWarmUp, prunedSize)
                .isLessThanOrEqualTo(afterWarmUp + afterWarmUp / 5);
        assertThat(controlSize).as("the store without pruning keeps growing").isGreaterThan(2 * prunedSize);
    }

    /** The database and its WAL, after a checkpoint folds the WAL in and truncates it. */
    private static long databaseBytes(Path dir) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("scenario-builder.db"));
                var st = connection.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            // The store's own checkpointer may be copying at this moment: then the truncation is busy; ask again.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                try (var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    return rs.next() && rs.getInt(1) == 0;
                }
            });
        }
        long bytes = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.toList()) {
                bytes += java.nio.file.Files.size(file);
            }
        }
        return bytes;
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsAClearError() {
        assertThatThrownBy(() -> new JdbcExecutionStore(StoreSettings.embedded(dir.resolve("no/such/dir"))))
                .isInstanceOf(StoreException.class).hasMessageContaining("no/such/dir");
        assertThatThrownBy(() -> new StoreSettings("jdbc:mysql://x", null, null, false, 10, 4096))
                .hasMessageContaining("unsupported database URL");
    }

    @Test
    void theEngineRunsOnTheDurableStoreAndItsResultsOutliveIt() throws Exception {
        var injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults())).with(binder ->
                binder.bind(ExecutionStore.class).toInstance(open(StoreSettings.embedded(dir)))));
        injector.getInstance(IntegrationRegistry.class)
                .register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
        Scenario scenario = injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"id": "durable", "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": "{{ trigger.n }}"}}},
                  {"id": "b", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.n * 2"}},
                  {"id": "c", "integrationId": "core", "actionId": "log", "configuration": {"message": "n={{ input }}"}}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""", "d");
        ExecutionEngine engine = injector.getInstance(ExecutionEngine.class);
        List<CompletableFuture<ExecutionResult>> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            results.add(engine.executeScenario(scenario, json("{\"n\": " + i + "}")).toCompletableFuture());
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        engine.close();
        opened.get(0).close();

        JdbcExecutionStore reopened = open(StoreSettings.embedded(dir));
        for (int i = 0; i < 500; i += 50) {
            ExecutionResult stored = reopened.find(results.get(i).get().id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(stored.requireNode("b").output().asInt()).isEqualTo(2 * i);
            assertThat(stored.nodes()).extracting(NodeRecord::nodeId).containsExactly("a", "b", "c");
            String expected = "n=" + 2 * i;
            assertThat(reopened.logs(stored.id())).anySatisfy(line -> assertThat(line.message()).isEqualTo(expected));
        }
    }
}
