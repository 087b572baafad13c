package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of several on one PostgreSQL. The database is the coordinator (no protocol of our own between servers):
 * each server is a row of {@code instances} whose heartbeat it renews every quarter of the lease, on the database's
 * clock, so that servers whose clocks differ still agree. A server is alive while its heartbeat is younger than the
 * lease; the executions of one that is not (it crashed, or lost the database) are claimed by the others
 * ({@link JdbcExecutionStore#claimOrphans}) and resumed as after a restart.
 *
 * <p>Two servers must never run one execution at once. A server that cannot renew its heartbeat for half the lease
 * (a network partition, a pause) is told to stop ({@code fenced}); one that finds it was taken for dead (its row gone
 * or too old when it comes back) is told too. Either way it has stopped before another may claim its executions: a
 * lease after its last heartbeat. A server that leaves cleanly deletes its row, and the others claim at once.
 */
public final class ClusterMembership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    /** A server of the cluster, as the {@code instances} table shows it. */
    public record Member(String id, String name, long startedAt, long heartbeatAgeMs) {
    }

    private final DataSource database;
    private final String id;
    private final String name;
    private final Duration lease;
    private volatile boolean closed;
    private volatile long lastBeat; // System.nanoTime() of the last renewed heartbeat
    private Thread beating;

    private ClusterMembership(DataSource database, String id, String name, Duration lease) {
        this.database = database;
        this.id = id;
        this.name = name;
        this.lease = lease;
    }

    /**
     * Joins the cluster: a new row for this server. The store is open (its migrations ran).
     *
     * @param name how people know this server (host and port), shown in the table and the logs
     * @param lease how long a server may go without a heartbeat before the others take its executions
     */
    public static ClusterMembership join(DataSource database, String name, Duration lease) {
        Objects.requireNonNull(name, "name");
        if (lease.toMillis() < 1_000) {
            throw new IllegalArgumentException("the lease must be at least 1 s, got " + lease.toMillis() + " ms");
        }
        String id = "sb-" + Long.toHexString(System.currentTimeMillis()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        ClusterMembership membership = new ClusterMembership(database, id, name.length() > 255 ? name.substring(0, 255) : name, lease);
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO instances (id, name, started_at, heartbeat_at) VALUES (?, ?, "
                        + JdbcExecutionStore.DB_NOW_MS + ", " + JdbcExecutionStore.DB_NOW_MS + ")")) {
            st.setString(1, id);
            st.setString(2, membership.name);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot join the cluster: " + JdbcErrors.rootMessage(e), e);
        }
        membership.lastBeat = System.nanoTime();
        LOG.info("joined the cluster as {} ({}), lease {} ms", id, membership.name, lease.toMillis());
        return membership;
    }

    /** This server's id in the cluster: what its executions' {@code owner} says. */
    public String id() {
        return id;
    }

    /** How long a server may go without a heartbeat before its executions are taken. */
    public Duration lease() {
        return lease;
    }

    private static final long WARN_EVERY_NS = 10_000_000_000L;
    /** How often servers dead for an hour are forgotten (each restart leaves a row). */
    private static final long FORGET_EVERY_NS = 60_000_000_000L;
    private long lastWarn = System.nanoTime() - WARN_EVERY_NS - 1;

    /** How often {@link #start}'s {@code often} runs: the claims, so that a takeover comes soon after the lease. */
    static final long TICK_MS = 250;

    /**
     * Starts renewing the heartbeat, every quarter of the lease. Every {@value #TICK_MS} ms, {@code often} runs on the
     * same thread (claiming what stopped servers left: a takeover then comes at most that long after the lease passed).
     * {@code fenced} is told, once, when this server must stop.
     */
    public void start(Runnable often, Consumer<String> fenced) {
        long every = Math.max(TICK_MS, lease.toMillis() / 4);
        beating = Thread.ofPlatform().name("sb-cluster-heartbeat").daemon().start(() -> {
            long nextBeat = System.nanoTime();
            long nextForget = System.nanoTime();
            while (!closed) {
                if (System.nanoTime() - nextBeat >= 0) {
                    String problem = beat();
                    if (problem != null) {
                        if (!closed) {
                            closed = true;
                            LOG.error(problem);
                            fenced.accept(problem);
                        }
                        return;
                    }
                    nextBeat = System.nanoTime() + every * 1_000_000;
                    if (System.nanoTime() - nextForget >= 0) {
                        nextForget = System.nanoTime() + FORGET_EVERY_NS;
                        try {
                            forgetLongDead(Duration.ofHours(1));
                        } catch (RuntimeException e) {
                            LOG.debug("cannot forget long-stopped servers yet: {}", e.getMessage());
                        }
                    }
                }
                try {
                    often.run();
                } catch (RuntimeException e) {
                    if (System.nanoTime() - lastWarn > WARN_EVERY_NS) { // a database outage would say it 4 times a second
                        lastWarn = System.nanoTime();
                        LOG.warn("cannot claim the work of stopped servers yet: {}", e.getMessage());
                    }
                }
                try {
                    Thread.sleep(TICK_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Renews the heartbeat; answers why this server must stop, or null. */
    String beat() {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("UPDATE instances SET heartbeat_at = " + JdbcExecutionStore.DB_NOW_MS
                        + " WHERE id = ? AND heartbeat_at >= " + JdbcExecutionStore.DB_NOW_MS + " - ?")) {
            st.setString(1, id);
            st.setLong(2, lease.toMillis());
            if (st.executeUpdate() == 1) {
                lastBeat = System.nanoTime();
                return null;
            }
            return "this server (" + id + ") was taken for stopped by the cluster: its heartbeat is older than the lease ("
                    + lease.toMillis() + " ms) or its row is gone, so others may be running its executions; it stops";
        } catch (SQLException e) {
            long silentMs = (System.nanoTime() - lastBeat) / 1_000_000;
            if (silentMs >= lease.toMillis() / 2) {
                return "this server (" + id + ") could not renew its heartbeat for " + silentMs + " ms (" + JdbcErrors.rootMessage(e)
                        + "); after " + lease.toMillis() + " ms the others take its executions, so it stops first";
            }
            LOG.warn("cannot renew the cluster heartbeat yet ({} ms without): {}", silentMs, JdbcErrors.rootMessage(e));
            return null;
        }
    }

    /** The servers of the cluster, alive or not yet forgotten, oldest first. */
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT id, name, started_at, " + JdbcExecutionStore.DB_NOW_MS
                        + " - heartbeat_at FROM instances ORDER BY started_at, id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(new Member(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the cluster's servers: " + JdbcErrors.rootMessage(e), e);
        }
    }

    /**
     * Forgets servers dead for long (an hour by default), once no execution names them: the table does not grow with
     * every restart.
     */
    int forgetLongDead(Duration after) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM instances i WHERE i.heartbeat_at < "
                        + JdbcExecutionStore.DB_NOW_MS + " - ? AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.owner = i.id "
                        + "AND e.status IN ('queued', 'running', 'paused'))")) {
            st.setLong(1, after.toMillis());
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot forget stopped servers: " + JdbcErrors.rootMessage(e), e);
        }
    }

    /** Leaves the cluster: the row goes, and the others claim what this server left unfinished at once. */
    @Override
    public void close() {
        boolean wasRunning = !closed;
        closed = true;
        if (beating != null) {
            beating.interrupt();
            try {
                beating.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!wasRunning) {
            return; // fenced: its row is not its own to delete any more
        }
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM instances WHERE id = ?")) {
            st.setString(1, id);
            st.executeUpdate();
            LOG.info("left the cluster ({})", id);
        } catch (SQLException e) {
            LOG.warn("cannot leave the cluster cleanly ({}): the others take its executions after the lease", JdbcErrors.rootMessage(e));
        }
    }
}
