package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution store's one writer thread: group commit, and what happens when a commit fails.
 *
 * <p>Every write queued while a commit is under way lands in the next transaction, so under load one commit (and,
 * with fsync, one fsync) serves hundreds of writes while a lone write still commits at once. A write's stage
 * completes only after its transaction committed.
 *
 * <p>A failed commit is rolled back and then, as a database's own log writer would:
 * <ul>
 *   <li>a <em>transient</em> failure (the database is busy, restarting, unreachable, or out of disk) fails nothing:
 *       the writer opens a new connection if the old one broke and commits the same batch again, with backoff, until
 *       it goes through. Meanwhile {@link #unavailableFor()} says so (triggers answer 503 and the engine's writes
 *       wait: backpressure), and every write queued meanwhile joins a later commit;</li>
 *   <li>a <em>permanent</em> failure (a constraint, data the database refuses) is narrowed down by committing the
 *       batch's writes one at a time: the others commit, and the one that fails again fails only its own execution,
 *       which is recorded as {@code failed} with an {@code internal_error} before its writer is told. Later writes
 *       for that execution are refused until it is retried ({@link #reopen}), so that nothing stored afterwards
 *       contradicts it.</li>
 * </ul>
 *
 * <p>Written here rather than taken from a library: group commit needs one writer owning its transaction
 * boundaries, which JDBC helpers (Jdbi, jOOQ) do not provide.
 */
final class StoreWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** Adds one write to the batches of the writer's statements. */
    @FunctionalInterface
    interface Write {
        void addTo(Statements statements) throws SQLException;
    }

    /** Work on the writer's connection outside any batch (a checkpoint after a commit). */
    @FunctionalInterface
    interface ConnectionTask {
        void run(Connection connection) throws SQLException;
    }

    /** What the writer records when the store refused one of an execution's writes for good. */
    @FunctionalInterface
    interface Rejection {
        /** Adds the update that marks the execution failed, with {@code reason}. */
        void markFailed(Statements statements, String executionId, String reason) throws SQLException;
    }

    /**
     * One write waiting for its commit; {@code executionId} is null for writes of no execution (retention). An
     * {@code alone} write gets a transaction of its own, after the engine's writes of its group.
     */
    private record Pending(String executionId, Write write, CompletableFuture<Void> done, boolean alone) {
        Pending(String executionId, Write write, CompletableFuture<Void> done) {
            this(executionId, write, done, false);
        }
    }

    private static final Write STOP = s -> {
    };
    private static final Write REOPEN = s -> {
    };
    /** The first wait after a transient failure; it doubles up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** Executions whose write the store refused, remembered (oldest dropped first) until they are retried. */
    private static final int MAX_REJECTED = 100_000;

    private final DataSource pool;
    private final int maxBatch;
    private final ConnectionTask prepare;
    private final ConnectionTask afterCommit;
    private final Runnable afterRollback;
    private final java.util.function.Consumer<Connection> evict;
    private final Rejection rejection;
    private final StoreMetrics metrics;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Execution id to the reason its write was refused. Writer thread only. */
    private final Map<String, String> rejected = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REJECTED;
        }
    };
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final Thread thread;
    private Connection connection;
    private Statements statements;
    /** When the store became unavailable (System.nanoTime), or 0 while it is available. */
    private volatile long unavailableSince;
    private volatile String unavailableBecause;
    private volatile boolean stopping;

    /**
     * Opens the writer's connection from {@code pool} and starts the thread.
     *
     * @param evict tells the pool not to lend a connection again (it is closed next)
     * @param prepare run on each connection the writer opens, before its first write (pragmas)
     * @param afterCommit run on the writer's connection after each commit, once the batch was answered
     * @param afterRollback run after each rollback (what the rolled-back writes made the store believe is undone)
     * @param rejection how an execution is marked failed when one of its writes is refused
     * @throws SQLException when the first connection cannot be opened
     */
    StoreWriter(DataSource pool, java.util.function.Consumer<Connection> evict, int maxBatch, ConnectionTask prepare,
            ConnectionTask afterCommit, Runnable afterRollback, Rejection rejection, StoreMetrics metrics) throws SQLException {
        this.pool = pool;
        this.evict = evict;
        this.maxBatch = maxBatch;
        this.prepare = prepare;
        this.afterCommit = afterCommit;
        this.afterRollback = afterRollback;
        this.rejection = rejection;
        this.metrics = metrics;
        connect();
        thread = Thread.ofPlatform().name("sb-store-writer").daemon().start(this::loop);
    }

    /** Queues a write of {@code executionId} (or of none: null); the stage completes once it is committed. */
    CompletionStage<Void> submit(String executionId, Write write) {
        if (stopping) {
            return CompletableFuture.failedFuture(new StoreException("the execution store is closed", null));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(executionId, write, done));
        return done;
    }

    /**
     * Queues a slow write of no execution (a retention batch) for a transaction of its own: the engine's writes queued
     * beside it commit first, and never wait inside its transaction.
     */
    CompletionStage<Void> submitAlone(Write write) {
        if (stopping) {
            return CompletableFuture.failedFuture(new StoreException("the execution store is closed", null));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(null, write, done, true));
        return done;
    }

    /**
     * Takes the writes of {@code executionId} again (it is being retried), in queue order: writes queued before this
     * one are still refused.
     */
    CompletionStage<Void> reopen(String executionId) {
        return submit(executionId, REOPEN);
    }

    int queueDepth() {
        return queue.size();
    }

    long commits() {
        return commits.get();
    }

    long writes() {
        return writes.get();
    }

    /** How long the store has been failing transiently, or null while it is available. */
    Duration unavailableFor() {
        long since = unavailableSince;
        return since == 0 ? null : Duration.ofNanos(System.nanoTime() - since);
    }

    /** What the last transient failure said, while the store is unavailable. */
    String unavailableBecause() {
        return unavailableSince == 0 ? null : unavailableBecause;
    }

    // ---------------------------------------------------------------- the writer thread

    private void loop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
                boolean stop = batch.removeIf(p -> p.write() == STOP);
                List<Pending> alone = batch.stream().filter(Pending::alone).toList();
                batch.removeAll(alone);
                if (!batch.isEmpty()) {
                    commit(batch);
                }
                for (Pending pending : alone) {
                    commit(List.of(pending));
                }
                batch.clear();
                if (stop) {
                    return;
                }
                try {
                    afterCommit.run(connection); // after the batch is answered: its writers need not wait for this
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("the writer's work after a commit failed (tried again after the next one): {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            StoreException closed = new StoreException("the execution store closed before this write was committed; "
                    + "what was committed is resumed at the next start", null);
            batch.forEach(p -> p.done().completeExceptionally(closed));
            for (Pending pending; (pending = queue.poll()) != null; ) {
                pending.done().completeExceptionally(closed);
            }
            closeConnection();
        }
    }

    /**
     * Commits the batch, waiting out transient failures. A permanent failure of a batch of several writes commits them
     * one at a time, so that only the write at fault fails.
     */
    private void commit(List<Pending> batch) throws InterruptedException {
        SQLException permanent = commitRetrying(batch);
        if (permanent == null) {
            return;
        }
        if (batch.size() == 1) {
            reject(batch.get(0), permanent);
            return;
        }
        LOG.warn("a group commit of {} writes was refused ({}); committing them one at a time to find the one at fault",
                batch.size(), JdbcErrors.rootMessage(permanent));
        for (Pending pending : batch) {
            if (!pending.done().isDone()) {
                commit(List.of(pending));
            }
        }
    }

    /** Commits, retrying transient failures with backoff; answers the permanent failure, or null once committed. */
    private SQLException commitRetrying(List<Pending> batch) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            long began = System.nanoTime();
            List<Pending> written = new ArrayList<>(batch.size());
            try {
                if (statements == null) {
                    connect();
                }
                for (Pending pending : batch) {
                    if (!pending.done().isDone() && admit(pending)) {
                        pending.write().addTo(statements);
                        written.add(pending);
                    }
                }
                statements.execute();
                connection.commit();
                metrics.committed(System.nanoTime() - began, written.size());
                commits.incrementAndGet();
                writes.addAndGet(written.size());
                if (unavailableSince != 0) {
                    LOG.info("the execution store is available again after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unavailableSince));
                    unavailableSince = 0;
                }
                written.forEach(p -> p.done().complete(null));
                return null;
            } catch (SQLException | RuntimeException e) {
                metrics.commitFailed();
                rollback(e);
                SQLException failure = e instanceof SQLException sql ? sql : new SQLException(e.toString(), e);
                if (!StoreException.isTransient(e)) {
                    return failure;
                }
                if (unavailableSince == 0) {
                    unavailableSince = System.nanoTime();
                }
                unavailableBecause = JdbcErrors.rootMessage(e);
                if (stopping) {
                    throw new InterruptedException("closing while the store is unavailable: " + unavailableBecause);
                }
                if (attempt == 1 || attempt % 20 == 0) {
                    LOG.warn("the execution store is unavailable ({}); writes wait and are tried again (attempt {}, next in {} ms)",
                            unavailableBecause, attempt, backoff.toMillis());
                }
                // A new connection for the next try: after a busy, full or I/O error SQLite may have rolled the
                // transaction back by itself, leaving the driver's idea of it wrong; a broken one is of no use anyway.
                discardConnection();
                Thread.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Whether a pending write goes into the batch: writes of an execution the store refused fail at once. */
    private boolean admit(Pending pending) {
        if (pending.write() == REOPEN) {
            rejected.remove(pending.executionId());
            pending.done().complete(null);
            return false;
        }
        String reason = pending.executionId() == null ? null : rejected.get(pending.executionId());
        if (reason != null) {
            pending.done().completeExceptionally(new WriteRejectedException(pending.executionId(), reason));
            return false;
        }
        return true;
    }

    /**
     * The store refused this write for good: its execution is recorded as failed (a write that itself waits out
     * transient failures), later writes for it are refused, and then its writer is told.
     */
    private void reject(Pending pending, SQLException failure) throws InterruptedException {
        String reason = "the store refused a write of this execution: " + JdbcErrors.rootMessage(failure);
        LOG.error("{}{}", pending.executionId() == null ? "" : "execution " + pending.executionId() + " failed: ", reason, failure);
        if (pending.executionId() != null) {
            rejected.put(pending.executionId(), reason);
            CompletableFuture<Void> marked = new CompletableFuture<>();
            SQLException markFailure = commitRetrying(List.of(new Pending(null,
                    s -> rejection.markFailed(s, pending.executionId(), reason), marked)));
            if (markFailure != null) {
                LOG.error("execution {} could not be marked failed either: {}", pending.executionId(), markFailure.toString());
            }
        }
        pending.done().completeExceptionally(pending.executionId() == null
                ? new StoreException(reason, failure) : new WriteRejectedException(pending.executionId(), reason));
    }

    private void rollback(Exception cause) {
        try {
            if (statements != null) {
                statements.clear();
            }
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException rollback) {
            cause.addSuppressed(rollback);
            discardConnection(); // a connection that cannot roll back is not used again
        }
        afterRollback.run();
    }

    private void connect() throws SQLException {
        Connection opened = pool.getConnection();
        try {
            opened.setAutoCommit(true);
            prepare.run(opened);
            opened.setAutoCommit(false);
            statements = new Statements(opened);
            connection = opened;
        } catch (SQLException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Closes the writer's connection and has the pool drop it rather than lend it again. */
    private void discardConnection() {
        if (connection != null) {
            try {
                evict.accept(connection);
            } catch (RuntimeException e) {
                LOG.debug("evicting the writer's connection: {}", e.toString());
            }
        }
        closeConnection();
    }

    private void closeConnection() {
        try {
            if (statements != null) {
                statements.close();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the writer's statements: {}", e.toString());
        }
        try {
            if (connection != null) {
                connection.close(); // back to the pool, which drops it when it is broken
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the writer's connection: {}", e.toString());
        }
        statements = null;
        connection = null;
    }

    /** Commits what is queued (waiting at most {@code wait}), then stops the thread and gives its connection back. */
    void close(Duration wait) {
        queue.add(new Pending(null, STOP, new CompletableFuture<>()));
        stopping = true;
        try {
            thread.join(wait);
            if (thread.isAlive()) {
                thread.interrupt(); // waiting out an unavailable store: what is queued fails, and is resumed at the next start
                thread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The store refused one of this execution's writes for good; it is recorded as failed. */
    static final class WriteRejectedException extends StoreException {

        private static final long serialVersionUID = 1L;
        private final String executionId;

        WriteRejectedException(String executionId, String reason) {
            super(reason, null);
            this.executionId = executionId;
        }

        String executionId() {
            return executionId;
        }

        @Override
        public boolean executionFailureRecorded() {
            return true;
        }
    }

    /** Timing and counts of the writer's commits. */
    interface StoreMetrics {
        void committed(long nanos, int writes);

        void commitFailed();
    }

    /** The writer's prepared statements, executed in this order at each commit. */
    static final class Statements implements AutoCloseable {
        final Connection connection;
        final PreparedStatement insertSnapshot;
        final PreparedStatement insertExecution;
        final PreparedStatement upsertNode;
        final PreparedStatement updateExecution;
        final PreparedStatement insertLog;
        final PreparedStatement upsertBlob;
        int snapshots;
        int blobs;
        int inserts;
        int nodes;
        int updates;
        int logs;

        Statements(Connection connection) throws SQLException {
            this.connection = connection;
            insertSnapshot = connection.prepareStatement(JdbcExecutionStore.INSERT_SNAPSHOT);
            insertExecution = connection.prepareStatement(JdbcExecutionStore.INSERT_EXECUTION);
            upsertNode = connection.prepareStatement(JdbcExecutionStore.UPSERT_NODE);
            updateExecution = connection.prepareStatement(JdbcExecutionStore.UPDATE_EXECUTION);
            insertLog = connection.prepareStatement(JdbcExecutionStore.INSERT_LOG);
            upsertBlob = connection.prepareStatement(JdbcExecutionStore.UPSERT_BLOB);
        }

        void execute() throws SQLException {
            // Snapshots and executions first (the rest refers to them), updates after their nodes' records.
            if (snapshots > 0) {
                insertSnapshot.executeBatch();
            }
            if (inserts > 0) {
                insertExecution.executeBatch();
            }
            if (nodes > 0) {
                upsertNode.executeBatch();
            }
            if (blobs > 0) {
                upsertBlob.executeBatch();
            }
            if (updates > 0) {
                updateExecution.executeBatch();
            }
            if (logs > 0) {
                insertLog.executeBatch();
            }
            snapshots = inserts = nodes = updates = logs = blobs = 0;
        }

        void clear() throws SQLException {
            snapshots = inserts = nodes = updates = logs = blobs = 0;
            insertSnapshot.clearBatch();
            insertExecution.clearBatch();
            upsertNode.clearBatch();
            updateExecution.clearBatch();
            insertLog.clearBatch();
            upsertBlob.clearBatch();
        }

        @Override
        public void close() throws SQLException {
            insertSnapshot.close();
            insertExecution.close();
            upsertBlob.close();
            upsertNode.close();
            updateExecution.close();
            insertLog.close();
        }
    }
}
