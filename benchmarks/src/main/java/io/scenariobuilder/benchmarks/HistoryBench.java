package io.scenariobuilder.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import io.scenariobuilder.core.store.ExecutionSummary;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.api.execution.LogLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * History at scale ({@code ./bench history [executions] [data folder]}): fills an embedded store with executions (3
 * node records and 3 log lines each, as a 3-node scenario leaves them), then measures what a user of a long-lived
 * server meets: the time to open the store, listing with filters and a cursor, reading one execution, the size per
 * execution, and the latency of the engine's writes while retention prunes half of the history.
 */
public final class HistoryBench {

    private static final int SCENARIOS = 20;
    private static final String[] STATUSES = {"completed", "failed", "cancelled", "incomplete"};

    private HistoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int executions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("sb-history");
        Files.createDirectories(dir);
        StoreSettings settings = StoreSettings.embedded(dir);
        long now = System.currentTimeMillis();

        openMillis(settings); // creates the schema, and loads the classes: not counted
        long emptyOpen = openMillis(settings);
        long began = System.nanoTime();
        fill(settings, executions, now);
        System.out.printf("filled %,d executions (%,d rows) in %d s%n", executions, executions * 7L,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        System.out.printf("open the store: %d ms empty, %d ms with %,d executions%n", emptyOpen, openMillis(settings), executions);
        long bytes = size(dir);
        System.out.printf("database size: %,d MB, %,d bytes per execution%n", bytes >> 20, bytes / executions);

        try (JdbcExecutionStore store = new JdbcExecutionStore(settings)) {
            Random random = new Random(7);
            measure("list, first page (50)", 2_000, () -> store.list(null, null, null, 50));
            measure("list, one scenario", 2_000, () -> store.list("s" + random.nextInt(SCENARIOS), null, null, 50));
            measure("list, status failed", 2_000, () -> store.list(null, ExecutionStatus.FAILED, null, 50));
            measure("list, scenario and status", 2_000, () -> store.list("s" + random.nextInt(SCENARIOS), ExecutionStatus.FAILED, null, 50));
            measure("list, deep cursor", 2_000, () -> store.list(null, null, id(random.nextInt(executions)), 50));
            measure("list, scenario, deep cursor", 2_000, () -> store.list("s" + random.nextInt(SCENARIOS), null,
                    id(random.nextInt(executions)), 50));
            measure("one execution (3 nodes)", 2_000, () -> store.find(id(random.nextInt(executions))).orElseThrow());
            measure("one execution's log", 2_000, () -> store.logs(id(random.nextInt(executions))));
            pruneUnderLoad(store, executions, now);
        }
    }

    /** Executions with ids that sort by time, as the engine's do; half of them older than 15 days. */
    private static String id(long n) {
        return String.format("%016x%016x", n, 0L);
    }

    private static void fill(StoreSettings settings, int executions, long now) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (JdbcExecutionStore store = new JdbcExecutionStore(settings)) {
            // One execution through the store, for the snapshot row; the rest in large transactions straight to the tables.
            store.executionCreated("seed", "s0", 1, new ScenarioSnapshot("h", json.readTree("{\"id\": \"s0\", \"nodes\": []}")),
                    json.readTree("{}"), ExecutionStatus.COMPLETED, Instant.ofEpochMilli(now), TraceContext.fresh()).toCompletableFuture().join();
            Random random = new Random(1);
            try (Connection connection = store.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement execution = connection.prepareStatement("INSERT INTO executions (id, scenario_id, scenario_version, "
                        + "scenario_hash, trigger_data, status, start_time, end_time, trace_id, span_id) VALUES (?, ?, 1, 'h', ?, ?, ?, ?, ?, ?)");
                        PreparedStatement node = connection.prepareStatement("INSERT INTO node_records (execution_id, node_id, position, "
                                + "status, attempts, start_time, end_time, output) VALUES (?, ?, ?, 'completed', 1, ?, ?, ?)");
                        PreparedStatement log = connection.prepareStatement("INSERT INTO execution_logs (execution_id, seq, ts, level, "
                                + "category, scenario_id, node_id, message) VALUES (?, ?, ?, 'info', 'execution', ?, ?, ?)")) {
                    long seq = 1;
                    long span = 30L * 24 * 3_600_000; // 30 days of history, oldest first
                    for (int i = 0; i < executions; i++) {
                        String id = id(i);
                        String scenario = "s" + random.nextInt(SCENARIOS);
                        long start = now - span + span * i / executions;
                        int roll = random.nextInt(100);
                        String status = roll < 90 ? STATUSES[0] : roll < 97 ? STATUSES[1] : roll < 99 ? STATUSES[2] : STATUSES[3];
                        execution.setString(1, id);
                        execution.setString(2, scenario);
                        execution.setString(3, "{\"orderId\": " + i + ", \"customer\": \"c" + random.nextInt(10_000) + "\"}");
                        execution.setString(4, status);
                        execution.setLong(5, start);
                        execution.setLong(6, start + 40);
                        execution.setString(7, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                        execution.setString(8, Long.toHexString(random.nextLong()));
                        execution.addBatch();
                        for (int n = 0; n < 3; n++) {
                            node.setString(1, id);
                            node.setString(2, "node" + n);
                            node.setLong(3, seq++);
                            node.setLong(4, start + n * 10);
                            node.setLong(5, start + n * 10 + 8);
                            node.setString(6, "{\"orderId\": " + i + ", \"total\": " + random.nextInt(1_000) + ", \"ok\": true}");
                            node.addBatch();
                            log.setString(1, id);
                            log.setLong(2, seq++);
                            log.setLong(3, start + n * 10);
                            log.setString(4, scenario);
                            log.setString(5, "node" + n);
                            log.setString(6, "node node" + n + " completed in 8 ms");
                            log.addBatch();
                        }
                        if (i % 10_000 == 9_999 || i == executions - 1) {
                            execution.executeBatch();
                            node.executeBatch();
                            log.executeBatch();
                            connection.commit();
                        }
                    }
                }
            }
        }
    }

    private static long openMillis(StoreSettings settings) {
        long began = System.nanoTime();
        try (JdbcExecutionStore store = new JdbcExecutionStore(settings)) {
            store.unfinished(); // what a start reads: the executions to resume
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("scenario-builder.db")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void measure(String what, int times, Runnable query) {
        for (int i = 0; i < times / 10; i++) {
            query.run(); // warm-up
        }
        long[] nanos = new long[times];
        for (int i = 0; i < times; i++) {
            long began = System.nanoTime();
            query.run();
            nanos[i] = System.nanoTime() - began;
        }
        Arrays.sort(nanos);
        System.out.printf("%-30s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n", what, nanos[times / 2] / 1e6, nanos[times * 99 / 100] / 1e6,
                nanos[times - 1] / 1e6);
    }

    /**
     * The engine's writes (a node record and a log line, 400 a second, as a busy server's) timed from submit to commit
     * while retention deletes the older half of the history.
     */
    private static void pruneUnderLoad(JdbcExecutionStore store, int executions, long now) throws Exception {
        AtomicBoolean pruning = new AtomicBoolean(true);
        List<Long> latencies = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        store.executionCreated("live", "live", 1, new ScenarioSnapshot("h", json.readTree("{\"id\": \"live\", \"nodes\": []}")), json.readTree("{}"),
                ExecutionStatus.RUNNING, Instant.now(), TraceContext.fresh()).toCompletableFuture().join();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (pruning.get()) {
                long began = System.nanoTime();
                CompletableFuture.allOf(
                        store.nodeUpdated("live", new NodeRecord("n" + (i % 50), NodeStatus.COMPLETED, 1, Instant.now(), Instant.now(), 0L,
                                json.createObjectNode().put("i", i), null)).toCompletableFuture(),
                        store.logAppended(new LogEntry(Instant.now(), LogLevel.INFO, "execution", "line " + i, "live", "live", "n", null, null))
                                .toCompletableFuture()).join();
                synchronized (latencies) {
                    latencies.add(System.nanoTime() - began);
                }
                i++;
                try {
                    Thread.sleep(2, 500_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(4_000);
        long[] baseline;
        synchronized (latencies) {
            baseline = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            latencies.clear();
        }
        System.out.printf("the same writes before the prune (%,d): commit p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", baseline.length,
                baseline[baseline.length / 2] / 1e6, baseline[baseline.length * 99 / 100] / 1e6, baseline[baseline.length - 1] / 1e6);
        long began = System.nanoTime();
        int deleted = store.prune(Instant.ofEpochMilli(now - Duration.ofDays(15).toMillis()), Integer.MAX_VALUE).toCompletableFuture().join();
        long pruneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        pruning.set(false);
        load.join();
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf("prune: %,d executions (%,d rows) deleted in %,d ms, beside %,d writes: commit p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                deleted, deleted * 7L, pruneMs, sorted.length, sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 99 / 100] / 1e6,
                sorted[sorted.length - 1] / 1e6);
        if (deleted < executions / 3) {
            throw new IllegalStateException("expected about half of the history pruned, got " + deleted);
        }
    }
}
