package io.scenariobuilder.core.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite only: copies the write-ahead log into the database beside the writer, so that commits never pay for it,
 * and keeps the WAL from growing without bound under continuous writes.
 *
 * <p>Everything goes through SQLite's own checkpoint ({@code PRAGMA wal_checkpoint}): this class opens no file
 * descriptor of its own on the database file. On POSIX, closing any descriptor of a file drops every lock the
 * process holds on it, SQLite's included ("How To Corrupt An SQLite Database File", section 2.2). It only reads the
 * WAL's size, by path.
 */
final class SqliteCheckpointer {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);

    /** Passes of the checkpointer to catch up with the writer before it leaves the last copy to the writer. */
    static final int MAX_PASSES = 8;
    /** How often the WAL is copied into the database. */
    static final long CHECKPOINT_EVERY_MS = 100;

    /** The WAL, whose size the writer watches, or null (an in-memory database). */
    private final Path walFile;
    /**
     * WAL pages (4 KiB each) past which the writer makes the WAL start over: about 16 MiB by default; system property
     * {@code sb.store.walRestartPages}.
     */
    private final int walRestartPages = Integer.getInteger("sb.store.walRestartPages", 4_096);
    /** The WAL size past which the writer starts the WAL over without waiting for this thread: 4 times the above. */
    private final long walHardLimitBytes = 4L * walRestartPages * 4_096;
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean walTooLong;
    private volatile boolean closed;
    private Thread thread;

    SqliteCheckpointer(Path databaseFile) {
        this.walFile = databaseFile == null ? null : Path.of(databaseFile + "-wal");
    }

    void start(DataSource pool) {
        thread = Thread.ofPlatform().name("sb-store-checkpoint").daemon().start(() -> loop(pool));
    }

    /** On each connection the writer opens: it checkpoints only when told. */
    void prepareWriter(Connection connection) throws SQLException {
        try (Statement pragma = connection.createStatement()) {
            // By default SQLite checkpoints the WAL inside the commit that crosses 1,000 pages: a 16 ms stall at p99.
            pragma.execute("PRAGMA wal_autocheckpoint=0");
            // The WAL file is reused from its start, not shrunk: cut it back only when it passed the hard limit
            // (rarely: cutting it on every restart cost 30 ms at p99; under steady load it stays around 50 MiB).
            // Cut back to that limit, its size says whether this cycle's frames passed it (walPastHardLimit).
            pragma.execute("PRAGMA journal_size_limit=" + walHardLimitBytes);
        }
    }

    /**
     * On the writer thread, after a commit: finishes the checkpoint when the WAL is too long. This thread says so
     * every 100 ms; past {@link #walHardLimitBytes} the writer decides itself, since a fast disk let the writer
     * outrun the checkpointer (a 113 MB WAL at 200 MB/s of commits): then commits wait for the copy, which bounds the
     * WAL whatever the disk.
     */
    void afterCommit(Connection writerConnection) throws SQLException {
        if (writerConnection == null || !walTooLong && !walPastHardLimit()) {
            return;
        }
        writerConnection.setAutoCommit(true); // a checkpoint cannot run inside the open transaction
        try (Statement st = writerConnection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            // (busy, frames in the WAL, frames copied): when all are copied, the next commit starts the WAL over.
            // Busy (the background copy is running) or not all copied: try again after the next commit.
            if (rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3)) {
                walTooLong = false;
                restarts.incrementAndGet();
            }
        } finally {
            writerConnection.setAutoCommit(false);
        }
    }

    /**
     * Copies the WAL into the database every 100 ms without blocking the writer (a passive checkpoint). Under
     * continuous writes such a checkpoint may not catch up, and the WAL only starts over once every frame is copied;
     * so once it holds more than {@link #walRestartPages} pages, this thread copies pass after pass until it has, and
     * only if it cannot, the writer copies what is left between two commits (see {@link #afterCommit}). No lock is waited for, so no busy-handler sleep either (that
     * is what made a RESTART checkpoint from this thread stall commits).
     */
    private void loop(DataSource pool) {
        while (!closed) {
            try {
                Thread.sleep(CHECKPOINT_EVERY_MS);
                try (Connection connection = pool.getConnection(); Statement st = connection.createStatement()) {
                    int[] pass = checkpoint(st);
                    if (pass[0] > walRestartPages) {
                        // Copy what came in meanwhile too, pass after pass, until one pass copies every frame there was
                        // when it began: then SQLite has synced the database file here, beside the writer, and the
                        // next commit starts the WAL over by itself. The writer's own final copy (afterCommit) is left
                        // for when that does not happen: it would sync everything copied since the last sync while
                        // commits wait (55 to 110 ms during a retention prune).
                        for (int passes = 0; passes < MAX_PASSES && pass[1] < pass[0]; passes++) {
                            pass = checkpoint(st);
                        }
                        if (pass[1] == pass[0]) {
                            restarts.incrementAndGet();
                        } else {
                            walTooLong = true;
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("WAL checkpoint failed (retried): {}", e.toString());
                }
            }
        }
    }

    /**
     * One passive checkpoint: copies the WAL's frames into the database file. Answers the frames the WAL had and the
     * frames copied; when the two are equal SQLite synced the database file.
     */
    private static int[] checkpoint(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return rs.next() ? new int[] {rs.getInt(2), rs.getInt(3)} : new int[] {0, 0};
        }
    }

    private boolean walPastHardLimit() {
        try {
            return walFile != null && Files.size(walFile) > walHardLimitBytes;
        } catch (IOException e) {
            return false; // no WAL file (yet): nothing to restart
        }
    }

    /** Times the writer made the WAL start over. */
    long restarts() {
        return restarts.get();
    }

    void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
