package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Retention for the execution store: chooses the finished executions to delete on a reader, and deletes them with their
 * node records, outputs and logs through the writer, in small paced transactions of their own (never inside the
 * engine's), then the scenario snapshots no execution uses any more.
 */
final class StoreRetention {

    private final DataSource readers;
    private final StoreWriter writer;
    /** Told when snapshots were deleted: the store writes them again when next needed. */
    private final Runnable snapshotsDeleted;

    StoreRetention(DataSource readers, StoreWriter writer, Runnable snapshotsDeleted) {
        this.readers = readers;
        this.writer = writer;
        this.snapshotsDeleted = snapshotsDeleted;
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
    CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario) {
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
                    snapshotsDeleted.run();
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
            throw new StoreException("cannot choose the executions to prune: " + JdbcErrors.rootMessage(e), e);
        }
    }

    /**
     * One writer transaction: deletes those of {@code ids} still finished, with their node records and logs. Which are
     * still finished is read by primary key and checked here: a {@code status IN (...)} term in the statements led
     * SQLite to walk the whole status index, a second per batch on a large store.
     */
    private CompletionStage<Integer> deleteFinished(List<String> ids) {
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        CompletionStage<Void> done = writer.submitAlone(s -> {
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
}
