package io.scenariobuilder.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeRecord;
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
 * <p>Its parts: {@link StoreWriter} (the group-commit writer and what it does when a commit fails),
 * {@link SqliteCheckpointer} (the WAL beside the writer), {@link ExecutionReads} (the reads) and
 * {@link StoreRetention} (pruning). This class opens them, turns the engine's records into the writer's statements,
 * and closes them.
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
            + "trigger_data, status, start_time, trace_id, span_id, parent_span_id, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            // Every write can be applied twice: a commit whose answer was lost (the connection broke) is committed again.
            + "ON CONFLICT (id) DO NOTHING";
    static final String INSERT_SNAPSHOT =
            "INSERT INTO scenario_snapshots (hash, document) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING";
    /** A status written by a server makes it the owner (a retry on another server moves the execution there). */
    static final String UPDATE_EXECUTION = "UPDATE executions SET status = ?, end_time = ?, error = ?, owner = COALESCE(?, owner) WHERE id = ?";
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
    private final ExecutionReads reads;
    private final StoreRetention retention;
    /** SQLite: copies the WAL into the database beside the writer; null on PostgreSQL. */
    private final SqliteCheckpointer checkpointer;
    private final AtomicLong sequence = new AtomicLong();
    /**
     * Snapshots known to be stored (or in the batch being written): each distinct scenario document is written once.
     * Read and changed on the writer thread only.
     */
    private final java.util.Set<String> knownSnapshots = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** The server that runs the executions this store creates or moves on (several servers on PostgreSQL); else null. */
    private volatile String owner;
    private volatile Duration notificationLease = Duration.ofSeconds(10);
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
            throw new StoreException("cannot open the execution store at " + settings.jdbcUrl() + ": " + JdbcErrors.rootMessage(e), e);
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
            throw new StoreException("cannot prepare the execution store at " + settings.jdbcUrl() + ": " + JdbcErrors.rootMessage(e), e);
        }
        reads = new ExecutionReads(readers);
        retention = new StoreRetention(readers, writer, knownSnapshots::clear);
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
            st.setString(11, owner);
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
    public CompletionStage<Void> executionScenarioChanged(String executionId, int scenarioVersion, ScenarioSnapshot scenario,
            java.util.Set<String> droppedNodes) {
        String document = scenario.document().toString();
        // Run at once on the writer's connection, inside its transaction, before the batched writes that follow it.
        return submit(executionId, s -> {
            try (PreparedStatement snapshot = s.connection.prepareStatement(INSERT_SNAPSHOT);
                    PreparedStatement execution = s.connection.prepareStatement(
                            "UPDATE executions SET scenario_version = ?, scenario_hash = ? WHERE id = ?");
                    PreparedStatement node = s.connection.prepareStatement("DELETE FROM node_records WHERE execution_id = ? AND node_id = ?");
                    PreparedStatement blob = s.connection.prepareStatement(
                            "DELETE FROM node_output_blobs WHERE execution_id = ? AND node_id = ?")) {
                snapshot.setString(1, scenario.hash());
                snapshot.setString(2, document);
                snapshot.executeUpdate();
                execution.setInt(1, scenarioVersion);
                execution.setString(2, scenario.hash());
                execution.setString(3, executionId);
                execution.executeUpdate();
                for (String nodeId : droppedNodes) {
                    for (PreparedStatement delete : List.of(node, blob)) {
                        delete.setString(1, executionId);
                        delete.setString(2, nodeId);
                        delete.executeUpdate();
                    }
                }
            }
        });
    }

    @Override
    public CompletionStage<Void> executionUpdated(String executionId, ExecutionStatus status, Instant endTime, ExecutionError error) {
        String errorJson = error == null ? null : json(error);
        return submit(executionId, s -> addUpdate(s, executionId, status, endTime, errorJson));
    }

    /** Adds an execution's new status to the writer's batch of updates. */
    private void addUpdate(StoreWriter.Statements s, String executionId, ExecutionStatus status, Instant endTime, String errorJson)
            throws SQLException {
        PreparedStatement st = s.updateExecution;
        st.setString(1, status.id());
        setLong(st, 2, endTime == null ? null : endTime.toEpochMilli());
        st.setString(3, errorJson);
        st.setString(4, owner);
        st.setString(5, executionId);
        st.addBatch();
        s.updates++;
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
            addUpdate(s, executionId, ExecutionStatus.FAILED, endTime, errorJson);
        });
    }

    @Override
    public List<io.scenariobuilder.core.store.ErrorNotification> pendingNotifications() {
        if (owner != null && !settings.sqlite()) {
            return claimNotifications();
        }
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

    /**
     * In a cluster: the notifications whose failed execution's server is not alive (or that have none), claimed for this
     * one (the execution's owner becomes this server) so that no two servers send one; a live server sends its own.
     * Answers only those claimed by this call: the ones this server sends already are not sent twice.
     */
    private List<io.scenariobuilder.core.store.ErrorNotification> claimNotifications() {
        List<io.scenariobuilder.core.store.ErrorNotification> claimed = new ArrayList<>();
        try (Connection connection = readers.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement st = connection.prepareStatement("WITH orphans AS (SELECT e.id FROM executions e JOIN error_notifications n "
                    + "ON n.failed_execution_id = e.id WHERE e.owner IS NULL OR e.owner NOT IN " + ALIVE + " FOR UPDATE OF e SKIP LOCKED), "
                    + "taken AS (UPDATE executions x SET owner = ? FROM orphans o WHERE x.id = o.id RETURNING x.id) "
                    + "SELECT n.failed_execution_id, n.error_scenario_id, n.trigger_data, n.trace_id, n.parent_span_id, n.created_at "
                    + "FROM error_notifications n JOIN taken t ON t.id = n.failed_execution_id ORDER BY n.created_at")) {
                st.setLong(1, notificationLease.toMillis());
                st.setString(2, owner);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new io.scenariobuilder.core.store.ErrorNotification(rs.getString(1), rs.getString(2),
                                JSON.readTree(rs.getString(3)), rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                    }
                }
                connection.commit();
            } catch (SQLException | JsonProcessingException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            return claimed;
        } catch (SQLException | JsonProcessingException e) {
            throw failure("cannot claim the error notifications of stopped servers", e);
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
        return new StoreException(what + ": " + JdbcErrors.rootMessage(e), e);
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
        return reads.find(executionId);
    }

    @Override
    public ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit) {
        return reads.list(scenarioId, status, cursor, limit);
    }

    @Override
    public List<LogEntry> logs(String executionId) {
        return reads.logs(executionId);
    }

    @Override
    public Optional<ResumableExecution> load(String executionId) {
        return reads.load(executionId);
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> scenarioDocument(String executionId) {
        return reads.scenarioDocument(executionId);
    }

    /** The server that owns what this store writes (several servers on PostgreSQL), or null. */
    public String owner() {
        return owner;
    }

    /**
     * Several servers on PostgreSQL: from now on, the executions this store creates, and those whose status it writes,
     * are owned by the server {@code instanceId} (see {@link ClusterMembership}).
     */
    public void ownedBy(String instanceId) {
        ownedBy(instanceId, Duration.ofSeconds(10));
    }

    /** As {@link #ownedBy(String)}, with the cluster's lease: a server whose heartbeat is older is taken for stopped. */
    public void ownedBy(String instanceId, Duration lease) {
        this.notificationLease = lease;
        this.owner = instanceId;
    }

    /**
     * Several servers on PostgreSQL: claims up to {@code limit} unfinished executions whose owner is not alive (its
     * heartbeat is older than {@code lease}, or its row is gone: it left), or that have none, for this store's owner,
     * and answers them to resume. Claimed with {@code FOR UPDATE SKIP LOCKED}: two servers claiming at once take
     * different executions. An execution that was running under an owner that died (its row is still there) counts
     * one more unclean stop, as after a crash of a single server.
     */
    public List<ResumableExecution> claimOrphans(Duration lease, int limit) {
        return claim(null, lease, limit);
    }

    /** Claims one execution as {@link #claimOrphans} would (when its owner is not alive); empty when it is not an orphan. */
    public Optional<ResumableExecution> claimOrphan(String executionId, Duration lease) {
        return claim(executionId, lease, 1).stream().findFirst();
    }

    private List<ResumableExecution> claim(String executionId, Duration lease, int limit) {
        String me = owner;
        if (me == null || settings.sqlite()) {
            throw new IllegalStateException("claiming executions needs PostgreSQL and an owner (ownedBy)");
        }
        List<String> claimed = new ArrayList<>();
        try (Connection connection = readers.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement st = connection.prepareStatement(executionId == null ? CLAIM_ORPHANS : CLAIM_ORPHAN)) {
                int at = 1;
                if (executionId != null) {
                    st.setString(at++, executionId);
                }
                st.setInt(at++, executionId != null ? 1 : 0); // one execution, for a command: parked or not, now
                st.setLong(at++, lease.toMillis());
                st.setInt(at++, limit);
                st.setString(at, me);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(rs.getString(1));
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot claim the executions of stopped servers: " + JdbcErrors.rootMessage(e), e);
        }
        List<ResumableExecution> out = new ArrayList<>(claimed.size());
        for (String id : claimed) {
            reads.load(id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public CompletionStage<Void> executionParked(String executionId, Instant until) {
        if (settings.sqlite()) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("one server: nothing to park for"));
        }
        return submit(executionId, s -> {
            try (PreparedStatement st = s.connection.prepareStatement("UPDATE executions SET owner = NULL, parked_until = ? WHERE id = ?")) {
                st.setLong(1, until.toEpochMilli());
                st.setString(2, executionId);
                st.executeUpdate();
            }
        });
    }

    /** The database's clock, in epoch milliseconds: the one clock every server of a cluster agrees on. */
    static final String DB_NOW_MS = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    /** The servers of a cluster whose heartbeat is younger than the lease (the one parameter). */
    static final String ALIVE = "(SELECT i.id FROM instances i WHERE i.heartbeat_at >= " + DB_NOW_MS + " - ?)";

    /** Unfinished, and its server not alive, or none: parked until a time (only retries wait), from that time on. */
    private static String claimSql(String also) {
        return "WITH orphans AS (SELECT e.id FROM executions e WHERE " + also + "e.status IN ('queued', 'running', 'paused') "
                + "AND ((e.owner IS NULL AND (e.parked_until IS NULL OR e.parked_until <= " + DB_NOW_MS + " OR ? = 1)) "
                + "OR e.owner NOT IN " + ALIVE + ") ORDER BY e.start_time, e.id LIMIT ? FOR UPDATE OF e SKIP LOCKED) "
                + "UPDATE executions x SET owner = ?, unclean_stops = x.unclean_stops + CASE WHEN x.status = 'running' "
                + "AND x.owner IN (SELECT i.id FROM instances i) THEN 1 ELSE 0 END "
                + "FROM orphans o WHERE x.id = o.id RETURNING x.id";
    }

    private static final String CLAIM_ORPHANS = claimSql("");
    /** One execution, for a command: parked or not, now. */
    private static final String CLAIM_ORPHAN = claimSql("e.id = ? AND ");

    @Override
    public List<ResumableExecution> unfinished() {
        return reads.unfinished();
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
            throw new StoreException("cannot record the server's unclean stop: " + JdbcErrors.rootMessage(e), e);
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
     * Chooses the finished executions to delete on a reader, and deletes them through the writer in small paced
     * transactions of their own ({@link StoreRetention}).
     */
    @Override
    public CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario) {
        return retention.prune(finishedBefore, keepPerScenario);
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

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialise " + value, e);
        }
    }

    private static void setLong(PreparedStatement st, int index, Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
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
    public static final int SCHEMA_VERSION = 19;

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
