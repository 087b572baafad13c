package io.scenariobuilder.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeError;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.ExecutionSummary;
import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.ResumableExecution;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable execution store, on SQLite (embedded, the default) or PostgreSQL.
 *
 * <p>Writes go to one writer thread that commits them in groups: every write queued while a commit is under way
 * lands in the next transaction, so under load one commit (and, with {@code fsync}, one fsync) serves hundreds of
 * writes, while a lone write still commits at once. A write's stage completes only after its transaction
 * committed; the engine waits on it before anything depends on the write. Reads use a small connection pool
 * (SQLite in WAL mode reads alongside the writer).
 *
 * <p>Written here rather than taken from a library: group commit needs one writer owning its transaction
 * boundaries, which JDBC helpers (Jdbi, jOOQ) do not provide; the SQL itself is a handful of statements.
 */
public final class JdbcExecutionStore implements ExecutionStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcExecutionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final MetricFamily COMMITS = MetricFamily.of("sb.store.commit", MetricFamily.Kind.TIMER,
            "sb_store_commit_duration_seconds", "Group commits of the execution store: time to write and commit one batch");
    public static final MetricFamily BATCH_SIZE = MetricFamily.of("sb.store.batch_size", MetricFamily.Kind.HISTOGRAM,
            "sb_store_commit_batch_size", "Writes per group commit");
    public static final MetricFamily QUEUE_DEPTH = MetricFamily.of("sb.store.queue_depth", MetricFamily.Kind.GAUGE,
            "sb_store_queue_depth", "Writes waiting for the store's writer");
    public static final MetricFamily COMMIT_FAILURES = MetricFamily.of("sb.store.commit_failures", MetricFamily.Kind.COUNTER,
            "sb_store_commit_failures", "Group commits that failed (each fails the executions whose writes it held)");

    static final String INSERT_EXECUTION = "INSERT INTO executions (id, scenario_id, scenario_version, scenario_hash, "
            + "trigger_data, status, start_time, trace_id, span_id, parent_span_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            // Every write can be applied twice: a commit whose answer was lost (the connection broke) is committed again.
            + "ON CONFLICT (id) DO NOTHING";
    static final String INSERT_SNAPSHOT =
            "INSERT INTO scenario_snapshots (hash, document) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING";
    static final String UPDATE_EXECUTION = "UPDATE executions SET status = ?, end_time = ?, error = ? WHERE id = ?";
    static final String UPSERT_NODE = "INSERT INTO node_records "
            + "(execution_id, node_id, position, status, attempts, start_time, end_time, output, error, next_attempt_at, "
            + "attempt_history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (execution_id, node_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, "
            + "start_time = excluded.start_time, end_time = excluded.end_time, output = excluded.output, error = excluded.error, "
            + "next_attempt_at = excluded.next_attempt_at, attempt_history = excluded.attempt_history";
    static final String UPSERT_BLOB = "INSERT INTO node_output_blobs (execution_id, node_id, output) VALUES (?, ?, ?) "
            + "ON CONFLICT (execution_id, node_id) DO UPDATE SET output = excluded.output";
    static final String INSERT_LOG = "INSERT INTO execution_logs "
            + "(execution_id, seq, ts, level, category, scenario_id, node_id, message, span_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (execution_id, seq) DO NOTHING";

    private final StoreSettings settings;
    private final HikariDataSource readers;
    private final StoreWriter writer;
    /** SQLite: copies the WAL into the database beside the writer; null on PostgreSQL. */
    private final SqliteCheckpointer checkpointer;
    private final AtomicLong sequence = new AtomicLong();
    /**
     * Snapshots known to be stored (or in the batch being written): each distinct scenario document is written once.
     * Read and changed on the writer thread only.
     */
    private final java.util.Set<String> knownSnapshots = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final boolean migrated;
    private final com.codahale.metrics.Timer commitTimer;
    private final com.codahale.metrics.Histogram batchSizes;
    private final com.codahale.metrics.Counter commitFailures;


    /**
     * Opens the store: connects, migrates the schema to the current version (Flyway), starts the writer.
     *
     * @throws StoreException when the database cannot be reached or migrated
     */
    public JdbcExecutionStore(StoreSettings settings) {
        this(settings, PlatformMetrics.create(java.time.Clock.systemUTC()));
    }

    /**
     * Opens the store, recording its commits (latency, batch size, failures) and queue depth in {@code metrics}.
     *
     * @throws StoreException when the database cannot be reached or migrated
     */
    public JdbcExecutionStore(StoreSettings settings, PlatformMetrics metrics) {
        this(settings, metrics, java.util.function.UnaryOperator.identity());
    }

    /**
     * For fault tests: {@code writerPool} wraps the pool the writer takes its connections from (a JDBC layer that
     * fails writes the way a full disk does, where the test cannot mount a small file system).
     */
    JdbcExecutionStore(StoreSettings settings, PlatformMetrics metrics, java.util.function.UnaryOperator<javax.sql.DataSource> writerPool) {
        this.settings = settings;
        this.commitTimer = metrics.timer(COMMITS);
        this.batchSizes = metrics.histogram(BATCH_SIZE);
        this.commitFailures = metrics.counter(COMMIT_FAILURES);
        metrics.gauge(QUEUE_DEPTH, this::queueDepth);
        this.checkpointer = settings.sqlite() ? new SqliteCheckpointer(settings.sqliteFile().orElse(null)) : null;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName("sb-store");
        config.setMaximumPoolSize(settings.sqlite() ? 5 : 10);
        // A database that is restarting is waited for by the writer's own backoff, not inside the pool.
        config.setConnectionTimeout(5_000);
        if (settings.sqlite()) {
            // busy_timeout: how long a statement waits for another connection's lock before it fails as busy (then the
            // writer waits and tries again); system property sb.store.busyTimeoutMs, read when a store opens.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", settings.fsync() ? "FULL" : "NORMAL");
            config.addDataSourceProperty("busy_timeout", String.valueOf(Integer.getInteger("sb.store.busyTimeoutMs", 10_000)));
        }
        try {
            this.readers = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the execution store at " + settings.jdbcUrl() + ": " + rootMessage(e), e);
        }
        try {
            migrated = !schemaIsCurrent(readers);
            if (migrated) {
                Flyway.configure()
                        .dataSource(readers)
                        .locations("classpath:io/scenariobuilder/core/store/migration")
                        .load()
                        .migrate();
            }
            try (Connection connection = readers.getConnection(); PreparedStatement max = connection.prepareStatement(
                    "SELECT COALESCE(MAX(m), 0) FROM (SELECT MAX(seq) AS m FROM execution_logs "
                            + "UNION ALL SELECT MAX(position) AS m FROM node_records) AS t");
                    ResultSet rs = max.executeQuery()) {
                rs.next();
                sequence.set(rs.getLong(1));
            }
            writer = new StoreWriter(writerPool.apply(readers), readers::evictConnection, settings.maxBatch(),
                    checkpointer == null ? connection -> { } : checkpointer::prepareWriter,
                    checkpointer == null ? connection -> { } : checkpointer::afterCommit, knownSnapshots::clear,
                    JdbcExecutionStore::markFailed, new StoreWriter.StoreMetrics() {
                        @Override
                        public void committed(long nanos, int writes) {
                            commitTimer.update(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                            batchSizes.update(writes);
                        }

                        @Override
                        public void commitFailed() {
                            commitFailures.inc();
                        }
                    });
        } catch (SQLException | RuntimeException e) {
            readers.close();
            throw new StoreException("cannot prepare the execution store at " + settings.jdbcUrl() + ": " + rootMessage(e), e);
        }
        if (checkpointer != null) {
            checkpointer.start(readers);
        }
    }


    /**
     * Marks an execution failed with an {@code internal_error} when the store refused one of its writes for good
     * (see {@link StoreWriter}); a finished execution keeps its status.
     */
    private static void markFailed(StoreWriter.Statements s, String executionId, String reason) throws SQLException {
        try (PreparedStatement st = s.connection.prepareStatement("UPDATE executions SET status = 'failed', end_time = ?, error = ? "
                + "WHERE id = ? AND status IN ('queued', 'running', 'paused')")) {
            st.setLong(1, System.currentTimeMillis());
            st.setString(2, json(new ExecutionError(io.scenariobuilder.api.error.ErrorType.INTERNAL_ERROR, reason, null)));
            st.setString(3, executionId);
            st.executeUpdate();
        }
    }

    private CompletionStage<Void> submit(String executionId, StoreWriter.Write write) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("the execution store is closed", null));
        }
        return writer.submit(executionId, write);
    }

    @Override
    public CompletionStage<Void> executionReopened(String executionId) {
        return writer.reopen(executionId);
    }

    /** How long the store has been failing to commit (busy, unreachable, out of disk), or empty while it commits. */
    public Optional<Duration> unavailableFor() {
        return Optional.ofNullable(writer.unavailableFor());
    }

    /** What the database said last while the store is unavailable, or null. */
    public String unavailableBecause() {
        return writer.unavailableBecause();
    }

    @Override
    public CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario,
            JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace) {
        return executionCreated(executionId, scenarioId, scenarioVersion, scenario, trigger, status, startTime, trace, null);
    }

    @Override
    public CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario,
            JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace, io.scenariobuilder.core.store.ScheduleTick tick) {
        String triggerJson = trigger.toString();
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        CompletionStage<Void> stored = submit(executionId, s -> {
            // The claim runs in the writer's transaction: it commits, or rolls back, with the execution.
            taken.set(tick != null && !JdbcScheduleStore.claim(s.connection, tick.scenarioId(), tick.tick(), executionId));
            if (taken.get()) {
                return;
            }
            // Decided here, on the writer, in commit order: a batch that failed, or a prune that deleted snapshots,
            // empties the set before any later write asks it, so no execution is ever stored without its snapshot.
            // (Decided when the write was submitted, a failed batch could leave a later one relying on a rolled-back insert.)
            if (knownSnapshots.add(scenario.hash())) {
                s.insertSnapshot.setString(1, scenario.hash());
                s.insertSnapshot.setString(2, scenario.document().toString());
                s.insertSnapshot.addBatch();
                s.snapshots++;
            }
            PreparedStatement st = s.insertExecution;
            st.setString(1, executionId);
            st.setString(2, scenarioId);
            st.setInt(3, scenarioVersion);
            st.setString(4, scenario.hash());
            st.setString(5, triggerJson);
            st.setString(6, status.id());
            st.setLong(7, startTime.toEpochMilli());
            st.setString(8, trace.traceId());
            st.setString(9, trace.spanId());
            st.setString(10, trace.parentSpanId());
            st.addBatch();
            s.inserts++;
        });
        return tick == null ? stored : stored.thenRun(() -> {
            if (taken.get()) { // read once committed: a batch committed again claims again
                throw new io.scenariobuilder.core.store.ScheduleTick.AlreadyRunException(tick);
            }
        });
    }

    @Override
    public CompletionStage<Void> executionUpdated(String executionId, ExecutionStatus status, Instant endTime, ExecutionError error) {
        String errorJson = error == null ? null : json(error);
        return submit(executionId, s -> {
            PreparedStatement st = s.updateExecution;
            st.setString(1, status.id());
            setLong(st, 2, endTime == null ? null : endTime.toEpochMilli());
            st.setString(3, errorJson);
            st.setString(4, executionId);
            st.addBatch();
            s.updates++;
        });
    }

    @Override
    public CompletionStage<Void> executionFailed(String executionId, Instant endTime, ExecutionError error,
            io.scenariobuilder.core.store.ErrorNotification notification) {
        String errorJson = error == null ? null : json(error);
        String triggerJson = notification.trigger().toString();
        return submit(executionId, s -> {
            // The outbox row goes in the failure's own transaction: stored failed means its notification is kept too.
            try (PreparedStatement st = s.connection.prepareStatement("INSERT INTO error_notifications (failed_execution_id, "
                    + "error_scenario_id, trigger_data, trace_id, parent_span_id, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (failed_execution_id) DO NOTHING")) {
                st.setString(1, executionId);
                st.setString(2, notification.errorScenarioId());
                st.setString(3, triggerJson);
                st.setString(4, notification.traceId());
                st.setString(5, notification.parentSpanId());
                st.setLong(6, notification.createdAt().toEpochMilli());
                st.executeUpdate();
            }
            PreparedStatement st = s.updateExecution;
            st.setString(1, ExecutionStatus.FAILED.id());
            setLong(st, 2, endTime == null ? null : endTime.toEpochMilli());
            st.setString(3, errorJson);
            st.setString(4, executionId);
            st.addBatch();
            s.updates++;
        });
    }

    @Override
    public List<io.scenariobuilder.core.store.ErrorNotification> pendingNotifications() {
        try (Connection connection = readers.getConnection(); PreparedStatement st = connection.prepareStatement("SELECT failed_execution_id, "
                + "error_scenario_id, trigger_data, trace_id, parent_span_id, created_at FROM error_notifications ORDER BY created_at")) {
            List<io.scenariobuilder.core.store.ErrorNotification> pending = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pending.add(new io.scenariobuilder.core.store.ErrorNotification(rs.getString(1), rs.getString(2),
                            JSON.readTree(rs.getString(3)), rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
            return pending;
        } catch (SQLException | JsonProcessingException e) {
            throw failure("cannot read the error notifications waiting to be sent", e);
        }
    }

    @Override
    public CompletionStage<Void> notificationSent(String failedExecutionId) {
        return submit(null, s -> {
            try (PreparedStatement st = s.connection.prepareStatement("DELETE FROM error_notifications WHERE failed_execution_id = ?")) {
                st.setString(1, failedExecutionId);
                st.executeUpdate();
            }
        });
    }

    private static StoreException failure(String what, Exception e) {
        return new StoreException(what + ": " + rootMessage(e), e);
    }

    @Override
    public CompletionStage<Void> nodeUpdated(String executionId, NodeRecord record) {
        String whole = record.output() == null || record.output().isNull() ? null : record.output().toString();
        String output = whole == null ? null : capped(whole);
        // Over the cap: the record keeps a marked preview, and the whole output goes beside it in the same transaction.
        String spilled = output == null || output == whole ? null : whole;
        String error = record.error() == null ? null : json(record.error());
        String history = record.attemptHistory().isEmpty() ? null : attemptsJson(record.attemptHistory());
        long position = sequence.incrementAndGet();
        return submit(executionId, s -> {
            PreparedStatement st = s.upsertNode;
            st.setString(1, executionId);
            st.setString(2, record.nodeId());
            st.setLong(3, position);
            st.setString(4, record.status().id());
            st.setInt(5, record.attempts());
            setLong(st, 6, record.startTime() == null ? null : record.startTime().toEpochMilli());
            setLong(st, 7, record.endTime() == null ? null : record.endTime().toEpochMilli());
            st.setString(8, output);
            st.setString(9, error);
            setLong(st, 10, record.nextAttemptAt() == null ? null : record.nextAttemptAt().toEpochMilli());
            st.setString(11, history);
            st.addBatch();
            s.nodes++;
            if (spilled != null) {
                s.upsertBlob.setString(1, executionId);
                s.upsertBlob.setString(2, record.nodeId());
                s.upsertBlob.setString(3, spilled);
                s.upsertBlob.addBatch();
                s.blobs++;
            }
        });
    }

    @Override
    public CompletionStage<Void> logAppended(LogEntry entry) {
        long seq = sequence.incrementAndGet();
        return submit(entry.executionId(), s -> {
            PreparedStatement st = s.insertLog;
            st.setString(1, entry.executionId());
            st.setLong(2, seq);
            st.setLong(3, entry.timestamp().toEpochMilli());
            st.setString(4, entry.level().id());
            st.setString(5, entry.category());
            st.setString(6, entry.scenarioId());
            st.setString(7, entry.nodeId());
            st.setString(8, storable(entry.message()));
            st.setString(9, entry.spanId());
            st.addBatch();
            s.logs++;
        });
    }

    @Override
    public Optional<ExecutionResult> find(String executionId) {
        try (Connection connection = readers.getConnection()) {
            String scenarioId;
            int version;
            ExecutionStatus status;
            Instant start;
            Instant end;
            ExecutionError error;
            String traceId;
            JsonNode trigger;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT scenario_id, scenario_version, status, start_time, end_time, error, trace_id, trigger_data FROM executions "
                            + "WHERE id = ?")) {
                st.setString(1, executionId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    scenarioId = rs.getString(1);
                    version = rs.getInt(2);
                    status = ExecutionStatus.fromId(rs.getString(3)).orElseThrow();
                    start = Instant.ofEpochMilli(rs.getLong(4));
                    long endMillis = rs.getLong(5);
                    end = rs.wasNull() ? null : Instant.ofEpochMilli(endMillis);
                    String errorJson = rs.getString(6);
                    error = errorJson == null ? null : JSON.readValue(errorJson, ExecutionError.class);
                    traceId = rs.getString(7);
                    trigger = JSON.readTree(rs.getString(8));
                }
            }
            List<NodeRecord> nodes = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT node_id, status, attempts, start_time, end_time, output, error, "
                    + "next_attempt_at, attempt_history FROM node_records WHERE execution_id = ? ORDER BY position")) {
                st.setString(1, executionId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Instant nodeStart = instant(rs, 4);
                        Instant nodeEnd = instant(rs, 5);
                        String output = rs.getString(6);
                        String nodeError = rs.getString(7);
                        nodes.add(new NodeRecord(rs.getString(1), nodeStatus(rs.getString(2)), rs.getInt(3), nodeStart, nodeEnd,
                                nodeStart != null && nodeEnd != null ? Duration.between(nodeStart, nodeEnd).toMillis() : null,
                                output == null ? NullNode.getInstance() : JSON.readTree(output),
                                nodeError == null ? null : JSON.readValue(nodeError, NodeError.class), instant(rs, 8),
                                attempts(rs.getString(9))));
                    }
                }
            }
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            int completed = 0;
            int failed = 0;
            for (NodeRecord node : nodes) {
                completed += node.status() == NodeStatus.COMPLETED ? 1 : 0;
                failed += node.status() == NodeStatus.FAILED ? 1 : 0;
                if (!node.output().isNull()) {
                    context.set(node.nodeId(), node.output());
                }
            }
            Long duration = end == null ? null : Duration.between(start, end).toMillis();
            return Optional.of(new ExecutionResult(executionId, scenarioId, version, status, start, end, duration, completed, failed,
                    nodes.size(), context, error, nodes, traceId, trigger));
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read execution " + executionId + ": " + rootMessage(e), e);
        }
    }

    @Override
    public ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, scenario_id, scenario_version, status, start_time, end_time, error "
                + "FROM executions WHERE 1 = 1");
        List<String> args = new ArrayList<>(3);
        if (scenarioId != null) {
            sql.append(" AND scenario_id = ?");
            args.add(scenarioId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.id());
        }
        if (cursor != null) {
            sql.append(" AND id < ?");
            args.add(cursor);
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(limit + 1);
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                st.setString(i + 1, args.get(i));
            }
            List<ExecutionSummary> items = new ArrayList<>(Math.min(limit + 1, 512));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant start = Instant.ofEpochMilli(rs.getLong(5));
                    Instant end = instant(rs, 6);
                    String error = rs.getString(7);
                    items.add(new ExecutionSummary(rs.getString(1), rs.getString(2), rs.getInt(3),
                            ExecutionStatus.fromId(rs.getString(4)).orElseThrow(), start, end,
                            end == null ? null : Duration.between(start, end).toMillis(),
                            error == null ? null : JSON.readValue(error, ExecutionError.class)));
                }
            }
            return items.size() > limit
                    ? new ExecutionSummary.Page(items.subList(0, limit), items.get(limit - 1).id())
                    : new ExecutionSummary.Page(items, null);
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot list executions: " + rootMessage(e), e);
        }
    }

    @Override
    public List<LogEntry> logs(String executionId) {
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT l.ts, l.level, l.category, l.message, l.scenario_id, "
                        + "l.node_id, e.trace_id, l.span_id FROM execution_logs l LEFT JOIN executions e ON e.id = l.execution_id "
                        + "WHERE l.execution_id = ? ORDER BY l.seq")) {
            st.setString(1, executionId);
            List<LogEntry> logs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    logs.add(new LogEntry(Instant.ofEpochMilli(rs.getLong(1)), LogLevel.fromId(rs.getString(2)).orElse(LogLevel.INFO),
                            rs.getString(3), rs.getString(4), executionId, rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8)));
                }
            }
            return logs;
        } catch (SQLException e) {
            throw new StoreException("cannot read the logs of execution " + executionId + ": " + rootMessage(e), e);
        }
    }

    private static final String RESUMABLE = "SELECT e.id, s.document, e.trigger_data, e.status, e.start_time, e.trace_id, "
            // A left join: an execution whose snapshot is missing is still listed (with no document), so that it is
            // failed with the reason rather than silently never resumed.
            + "e.span_id, e.parent_span_id, e.unclean_stops FROM executions e LEFT JOIN scenario_snapshots s ON s.hash = e.scenario_hash ";

    @Override
    public Optional<ResumableExecution> load(String executionId) {
        List<ResumableExecution> found = resumables(RESUMABLE + "WHERE e.id = ?", executionId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<ResumableExecution> unfinished() {
        return resumables(RESUMABLE + "WHERE e.status IN ('queued', 'running', 'paused') ORDER BY e.start_time, e.id", null);
    }

    private List<ResumableExecution> resumables(String sql, String executionId) {
        List<ResumableExecution> resumables = new ArrayList<>();
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement(sql)) {
            if (executionId != null) {
                st.setString(1, executionId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String document = rs.getString(2);
                    resumables.add(new ResumableExecution(id, document == null ? null : JSON.readTree(document), JSON.readTree(rs.getString(3)),
                            ExecutionStatus.fromId(rs.getString(4)).orElseThrow(), Instant.ofEpochMilli(rs.getLong(5)),
                            whole(id, find(id).map(ExecutionResult::nodes).orElse(List.of())), trace(rs.getString(6), rs.getString(7), rs.getString(8)),
                            rs.getInt(9)));
                }
            }
            return resumables;
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read " + (executionId == null ? "the unfinished executions" : "execution " + executionId)
                    + ": " + rootMessage(e), e);
        }
    }

    @Override
    public void recordUncleanStop() {
        directUpdate("UPDATE executions SET unclean_stops = unclean_stops + 1 WHERE status = 'running'", null);
    }

    @Override
    public void clearUncleanStops(String executionId) {
        directUpdate("UPDATE executions SET unclean_stops = 0 WHERE id = ? AND unclean_stops > 0", executionId);
    }

    /**
     * One statement outside the writer's batches: for the start (before the engine writes anything) and for rare
     * commands. It waits for the writer's transaction like any other.
     */
    private void directUpdate(String sql, String executionId) {
        try (Connection connection = readers.getConnection(); PreparedStatement st = connection.prepareStatement(sql)) {
            if (executionId != null) {
                st.setString(1, executionId);
            }
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record the server's unclean stop: " + rootMessage(e), e);
        }
    }

    /**
     * Text as every database can hold it: PostgreSQL's text takes no NUL, which an upstream error page or a binary
     * body can carry, and one such line would fail the whole batch it is written in. Each NUL becomes the six
     * characters of its JSON escape (a backslash, {@code u} and four zeros). JSON columns need nothing: Jackson escapes it.
     */
    static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace("\0", "\\u0000");
    }

    /**
     * Node records with their spilled outputs read back whole: what a resumed or retried execution feeds later nodes
     * is exactly what the node produced, never the preview the API shows.
     */
    private List<NodeRecord> whole(String executionId, List<NodeRecord> nodes) throws SQLException, JsonProcessingException {
        List<NodeRecord> out = null;
        for (int i = 0; i < nodes.size(); i++) {
            NodeRecord node = nodes.get(i);
            if (node.output() == null || !node.output().path("_spilled").asBoolean(false)) {
                continue;
            }
            try (Connection connection = readers.getConnection(); PreparedStatement st = connection.prepareStatement(
                    "SELECT output FROM node_output_blobs WHERE execution_id = ? AND node_id = ?")) {
                st.setString(1, executionId);
                st.setString(2, node.nodeId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        continue; // stored before outputs were spilled: the preview is all there is
                    }
                    if (out == null) {
                        out = new ArrayList<>(nodes);
                    }
                    out.set(i, new NodeRecord(node.nodeId(), node.status(), node.attempts(), node.startTime(), node.endTime(),
                            node.duration(), JSON.readTree(rs.getString(1)), node.error(), node.nextAttemptAt(), node.attemptHistory()));
                }
            }
        }
        return out == null ? nodes : out;
    }

    /** A stored trace; a new one for an execution stored before traces existed. */
    private static TraceContext trace(String traceId, String spanId, String parentSpanId) {
        if (traceId == null || spanId == null) {
            return TraceContext.fresh();
        }
        return new TraceContext(traceId, spanId, parentSpanId);
    }

    /** Finished executions to delete: ended before ?, or beyond the ? newest of their scenario. */
    private static final String PRUNE_VICTIMS = "SELECT id FROM ("
            + "SELECT id, end_time, ROW_NUMBER() OVER (PARTITION BY scenario_id ORDER BY id DESC) AS rn FROM executions "
            + "WHERE status IN ('completed', 'failed', 'cancelled')) AS finished WHERE end_time < ? OR rn > ? "
            // Incomplete ones wait for a retry, so no count pushes them out; but by age they go like the rest.
            + "UNION ALL SELECT id FROM executions WHERE status = 'incomplete' AND end_time < ?";
    /** The most executions deleted in one writer transaction. */
    static final int PRUNE_BATCH = 500;
    /** What one retention transaction should take: the engine's commits wait for one at most. */
    static final long PRUNE_BATCH_MS = 6;
    /** Victims chosen in one pass, so that a store with millions to prune does not hold them all in memory at once. */
    static final int PRUNE_PASS = 50_000;

    /**
     * Chooses the victims on a reader, then deletes them through the writer in batches sized to take about
     * {@link #PRUNE_BATCH_MS} (at most {@link #PRUNE_BATCH} executions), each a transaction of its own after the
     * engine's writes queued beside it, never inside theirs. Fixed batches of 500 made the engine's writes wait 110 ms
     * at p99 during a prune (./bench history); one statement for them all held the writer for seconds
     * (7 s and a 600 MB WAL for the first prune of 500,000 executions, while every execution waited). Runs on its own
     * virtual thread, so that neither the caller nor the writer waits for the choosing.
     */
    @Override
    public CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario) {
        CompletableFuture<Integer> deleted = new CompletableFuture<>();
        Thread.ofVirtual().name("sb-store-prune").start(() -> {
            try {
                deleted.complete(pruneNow(finishedBefore, keepPerScenario));
            } catch (RuntimeException e) {
                deleted.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        return deleted;
    }

    private int pruneNow(Instant finishedBefore, int keepPerScenario) {
        int deleted = 0;
        int batch = 16;
        List<String> victims;
        do {
            victims = pruneVictims(finishedBefore, keepPerScenario);
            for (int from = 0; from < victims.size(); ) {
                int to = Math.min(victims.size(), from + batch);
                long began = System.nanoTime();
                deleted += deleteFinished(victims.subList(from, to)).toCompletableFuture().join();
                from = to;
                // Sized by time, not count: a batch's transaction holds the writer, so it stays near PRUNE_BATCH_MS
                // whatever the disk, the database, or how many nodes and lines each execution has.
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                batch = ms < PRUNE_BATCH_MS / 2 ? Math.min(PRUNE_BATCH, batch * 2) : ms > PRUNE_BATCH_MS ? Math.max(1, batch / 2) : batch;
                pace(ms);
            }
        } while (victims.size() == PRUNE_PASS); // more may be left: choose again now that these are gone
        writer.submitAlone(s -> {
            // One index lookup per snapshot (executions_by_snapshot): a NOT IN over every execution took the writer
            // for a whole scan of the table.
            try (PreparedStatement st = s.connection.prepareStatement("DELETE FROM scenario_snapshots WHERE NOT EXISTS "
                    + "(SELECT 1 FROM executions e WHERE e.scenario_hash = scenario_snapshots.hash)")) {
                if (st.executeUpdate() > 0) {
                    knownSnapshots.clear();
                }
            }
        }).toCompletableFuture().join();
        return deleted;
    }

    /**
     * Rests between two retention batches, 3 times as long as the batch took: deletes write many pages, and what is
     * written faster than the checkpointer copies it is copied (and synced) by the writer between two commits while
     * the engine's commits wait (commit p99 110 ms during a prune at full speed, ./bench history).
     */
    private static void pace(long batchMs) {
        try {
            Thread.sleep(Math.max(1, 3 * batchMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("pruning was interrupted", e);
        }
    }

    /** At most {@link #PRUNE_PASS} executions to prune, chosen on a reader. */
    private List<String> pruneVictims(Instant finishedBefore, int keepPerScenario) {
        List<String> victims = new ArrayList<>();
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement(PRUNE_VICTIMS + " LIMIT " + PRUNE_PASS)) {
            st.setLong(1, finishedBefore.toEpochMilli());
            st.setInt(2, keepPerScenario);
            st.setLong(3, finishedBefore.toEpochMilli());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    victims.add(rs.getString(1));
                }
            }
            return victims;
        } catch (SQLException e) {
            throw new StoreException("cannot choose the executions to prune: " + rootMessage(e), e);
        }
    }

    /**
     * One writer transaction: deletes those of {@code ids} still finished, with their node records and logs. Which are
     * still finished is read by primary key and checked here: a {@code status IN (...)} term in the statements led
     * SQLite to walk the whole status index, a second per batch on a large store.
     */
    private CompletionStage<Integer> deleteFinished(List<String> ids) {
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        CompletionStage<Void> done = closed ? CompletableFuture.failedFuture(new StoreException("the execution store is closed", null))
                : writer.submitAlone(s -> {
            List<String> finished = new ArrayList<>(ids.size());
            try (PreparedStatement st = s.connection.prepareStatement("SELECT id, status FROM executions WHERE id IN (" + marks(ids.size()) + ")")) {
                bind(st, ids);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (PRUNABLE.contains(rs.getString(2))) {
                            finished.add(rs.getString(1));
                        }
                    }
                }
            }
            deleted.set(0);
            if (finished.isEmpty()) {
                return;
            }
            String in = " IN (" + marks(finished.size()) + ")";
            for (String sql : List.of("DELETE FROM execution_logs WHERE execution_id" + in, "DELETE FROM node_records WHERE execution_id" + in,
                    "DELETE FROM node_output_blobs WHERE execution_id" + in)) {
                try (PreparedStatement st = s.connection.prepareStatement(sql)) {
                    bind(st, finished);
                    st.executeUpdate();
                }
            }
            try (PreparedStatement st = s.connection.prepareStatement("DELETE FROM executions WHERE id" + in)) {
                bind(st, finished);
                deleted.set(st.executeUpdate());
            }
        });
        return done.thenApply(ignored -> deleted.get()); // read once committed: a retried batch counts again
    }

    /** The statuses pruning deletes ({@code incomplete} ones by age only: they wait for a retry). */
    private static final java.util.Set<String> PRUNABLE = java.util.Set.of("completed", "failed", "cancelled", "incomplete");

    private static String marks(int count) {
        return String.join(",", java.util.Collections.nCopies(count, "?"));
    }

    private static void bind(PreparedStatement st, List<String> ids) throws SQLException {
        for (int i = 0; i < ids.size(); i++) {
            st.setString(i + 1, ids.get(i));
        }
    }

    /**
     * The JSON of a node output, or a marked preview ({@code _truncated}, {@code _spilled}) when it is larger than a
     * node record holds: the whole output is kept in {@code node_output_blobs}. Returns {@code text} itself when it fits.
     */
    private String capped(String text) {
        if (text.length() <= settings.maxOutputBytes() / 4) {
            return text; // at most 4 UTF-8 bytes a character: under the cap without encoding it
        }
        int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes <= settings.maxOutputBytes()) {
            return text;
        }
        ObjectNode cut = JsonNodeFactory.instance.objectNode();
        cut.put("_truncated", true);
        cut.put("_spilled", true);
        cut.put("originalBytes", bytes);
        cut.put("maxOutputBytes", settings.maxOutputBytes());
        cut.put("preview", text.substring(0, Math.min(text.length(), 1_000)));
        return cut.toString();
    }

    /** Attempts as JSON, times as epoch milliseconds (the store's mapper has no java.time support, on purpose). */
    private static String attemptsJson(List<io.scenariobuilder.core.engine.AttemptRecord> attempts) {
        var array = JSON.createArrayNode();
        for (var attempt : attempts) {
            ObjectNode a = array.addObject();
            a.put("attempt", attempt.attempt());
            a.put("startTime", attempt.startTime() == null ? null : attempt.startTime().toEpochMilli());
            a.put("endTime", attempt.endTime() == null ? null : attempt.endTime().toEpochMilli());
            a.set("error", attempt.error() == null ? null : JSON.valueToTree(attempt.error()));
            a.put("retryDelayMs", attempt.retryDelayMs());
            if (attempt.spanId() != null) {
                a.put("spanId", attempt.spanId());
            }
        }
        return array.toString();
    }

    private static List<io.scenariobuilder.core.engine.AttemptRecord> attempts(String json) throws JsonProcessingException {
        if (json == null) {
            return List.of();
        }
        List<io.scenariobuilder.core.engine.AttemptRecord> attempts = new ArrayList<>();
        for (JsonNode a : JSON.readTree(json)) {
            attempts.add(new io.scenariobuilder.core.engine.AttemptRecord(a.get("attempt").asInt(),
                    a.hasNonNull("startTime") ? Instant.ofEpochMilli(a.get("startTime").asLong()) : null,
                    a.hasNonNull("endTime") ? Instant.ofEpochMilli(a.get("endTime").asLong()) : null,
                    a.hasNonNull("error") ? JSON.treeToValue(a.get("error"), NodeError.class) : null,
                    a.hasNonNull("retryDelayMs") ? a.get("retryDelayMs").asLong() : null,
                    a.hasNonNull("spanId") ? a.get("spanId").asText() : null));
        }
        return attempts;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialise " + value, e);
        }
    }

    private static NodeStatus nodeStatus(String id) {
        for (NodeStatus status : NodeStatus.values()) {
            if (status.id().equals(id)) {
                return status;
            }
        }
        throw new StoreException("unknown node status '" + id + "' in the store", null);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setLong(PreparedStatement st, int index, Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
    }

    private static String rootMessage(Throwable e) {
        return JdbcErrors.rootMessage(e);
    }

    /** The store's connection pool, for the platform's other tables in the same database (connections, API keys). */
    public javax.sql.DataSource dataSource() {
        return readers;
    }

    /** Writes waiting for the writer now. */
    public int queueDepth() {
        return writer == null ? 0 : writer.queueDepth();
    }

    /** Transactions committed so far (each holds one group of writes). */
    public long commits() {
        return writer.commits();
    }

    /**
     * The schema version this code needs: the highest migration in {@code io/scenariobuilder/core/store/migration}
     * ({@code SqliteExecutionStoreTest} keeps the two in step).
     */
    public static final int SCHEMA_VERSION = 14;

    /**
     * Whether Flyway's history shows exactly migrations 1 to {@link #SCHEMA_VERSION}, all successful. Then Flyway is
     * not started at all: it took 250 to 400 ms of a 1.5 s server start even with nothing to do. Anything else (a
     * new database, an older or newer schema, a failed migration, no history table) goes through Flyway, which
     * migrates, or says what is wrong.
     */
    static boolean schemaIsCurrent(javax.sql.DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); var st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            java.util.Set<String> versions = new java.util.HashSet<>();
            while (rs.next()) {
                if (!rs.getBoolean(2) || !versions.add(rs.getString(1))) {
                    return false;
                }
            }
            for (int v = 1; v <= SCHEMA_VERSION; v++) {
                if (!versions.remove(String.valueOf(v))) {
                    return false;
                }
            }
            return versions.isEmpty();
        } catch (SQLException e) {
            return false; // no history table yet: a new database
        }
    }

    /** Whether opening this store ran Flyway (a new or older schema) rather than finding the schema current. */
    public boolean migrated() {
        return migrated;
    }

    /** Writes committed so far. */
    public long writes() {
        return writer.writes();
    }


    /** Times the writer made the WAL start over (SQLite). */
    public long walRestarts() {
        return checkpointer == null ? 0 : checkpointer.restarts();
    }

    /** Commits what is queued, stops the writer and closes the connections. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.close(Duration.ofSeconds(30));
        if (checkpointer != null) {
            checkpointer.close();
        }
        readers.close();
    }
}
