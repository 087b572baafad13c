package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;

/**
 * One server per database: a second server on the same store would resume and run again everything the first is
 * running. On SQLite the lock is an exclusive lock on a file of its own beside the database ({@value #FILE}: never on
 * the database file, whose descriptors SQLite owns); on PostgreSQL, a session advisory lock held by a connection kept
 * for the server's life. Either goes when the process ends, however it ends. A second server that finds it taken
 * refuses to start with a {@link HeldException} naming the holder.
 *
 * <p>A PostgreSQL session lock goes with its session: a database restart, a failover or a killed connection releases
 * it while this server runs on. {@link #watch} checks the session every 2 s and takes the lock again on a new one;
 * when another server took it meanwhile, it says so, and the server stops rather than run beside it.
 */
public final class InstanceLock implements AutoCloseable {

    /** The lock file's name beside the SQLite database. */
    public static final String FILE = "scenario-builder.lock";
    /** The advisory lock's key on PostgreSQL (the first 8 bytes of "scenario"). */
    static final long ADVISORY_KEY = 0x7363656e6172696fL;

    /** The store is already in use by another server. */
    public static final class HeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock fileLock;
    private volatile Connection session;
    private final Path file;
    private final StoreSettings settings;
    private volatile boolean closed;
    /** PostgreSQL: the servers of a cluster share the lock; a server alone holds it exclusively. */
    private final boolean shared;
    private Thread keeper;
    /** How often the PostgreSQL session is checked. */
    static final long CHECK_EVERY_MS = 2_000;

    private InstanceLock(FileChannel channel, FileLock fileLock, Connection session, Path file, StoreSettings settings, boolean shared) {
        this.shared = shared;
        this.channel = channel;
        this.fileLock = fileLock;
        this.session = session;
        this.file = file;
        this.settings = settings;
    }

    /**
     * PostgreSQL: keeps the lock while the server runs. When its session is gone the lock is taken again on a new one
     * (waiting for the database while it restarts); when another server holds it by then, {@code lost} is told, once,
     * with a message naming that server. Nothing to do on SQLite: a file lock goes only with the process.
     */
    public void watch(java.util.function.Consumer<String> lost) {
        if (settings == null) {
            return;
        }
        keeper = Thread.ofPlatform().name("sb-instance-lock").daemon().start(() -> {
            boolean lostOnce = false;
            while (!closed) {
                try {
                    Thread.sleep(CHECK_EVERY_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (closed || lostOnce || sessionAlive()) {
                    continue;
                }
                try {
                    Connection fresh = connect(settings);
                    if (tryLock(fresh, shared)) {
                        Connection old = session;
                        session = fresh;
                        closeQuietly(old);
                        LOG.warn("the server lock's database session was lost (a restart, a failover, a killed connection); taken again");
                    } else {
                        String holder = postgresHolder(fresh);
                        closeQuietly(fresh);
                        lostOnce = true;
                        lost.accept("the server lock on " + settings.jdbcUrl() + " was lost with its database session, and another server"
                                + " holds it now (" + holder + "): two servers on one database run each other's executions again; this one stops");
                    }
                } catch (SQLException e) {
                    LOG.warn("cannot take the server lock again yet (tried again in {} ms): {}", CHECK_EVERY_MS, e.getMessage());
                }
            }
        });
    }

    private boolean sessionAlive() {
        try {
            return session.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InstanceLock.class);

    /**
     * Takes the lock of the store {@code settings} names.
     *
     * @throws HeldException when another server holds it, naming that server
     */
    public static InstanceLock acquire(StoreSettings settings) {
        return acquire(settings, false);
    }

    /**
     * Takes the lock of the store {@code settings} names; on PostgreSQL, {@code cluster} takes it shared with the other
     * servers of a cluster (issue 16), which still keeps out a server that runs alone, and is kept out by one.
     *
     * @throws HeldException when another server holds it, naming that server
     */
    public static InstanceLock acquire(StoreSettings settings, boolean cluster) {
        if (settings.sqlite()) {
            if (cluster) {
                throw new IllegalArgumentException("several servers share a PostgreSQL database only: SQLite is one server's");
            }
            Path database = settings.sqliteFile().orElse(null);
            return database == null ? new InstanceLock(null, null, null, null, null, false) : onFile(database.toAbsolutePath().resolveSibling(FILE));
        }
        return onPostgres(settings, cluster);
    }

    /** Who this process is, for the message another server shows. */
    static String whoAmI() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + ", started " + Instant.now();
    }

    /**
     * The lock files this JVM holds, and by whom. A second attempt in the same JVM must not even open the file: on
     * POSIX, closing any descriptor of a file drops every lock the process holds on it, the first one's included.
     */
    private static final java.util.Map<Path, String> HELD_HERE = new java.util.concurrent.ConcurrentHashMap<>();

    private static InstanceLock onFile(Path file) {
        Path key = file.normalize();
        String me = whoAmI();
        String here = HELD_HERE.putIfAbsent(key, me);
        if (here != null) {
            throw held(file, here);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null; // taken in this JVM outside this class: cannot be, but never a second lock
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                channel.close(); // this process holds no lock on the file: closing drops nothing
                HELD_HERE.remove(key);
                throw held(file, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new InstanceLock(channel, lock, null, key, null, false);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_HERE.remove(key);
            throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static HeldException held(Path file, String holder) {
        return new HeldException("another Scenario Builder server is using the data folder " + file.getParent() + " ("
                + (holder.isEmpty() ? "holder unknown" : holder) + "); one server per database: stop it first, or give "
                + "this one another SB_DATA_DIR");
    }

    private static InstanceLock onPostgres(StoreSettings settings, boolean cluster) {
        Connection session = null;
        try {
            session = connect(settings);
            if (tryLock(session, cluster)) {
                return new InstanceLock(null, null, session, null, settings, cluster);
            }
            String holder = postgresHolder(session);
            session.close();
            throw new HeldException(cluster
                    ? "a Scenario Builder server that runs alone (SB_CLUSTER=off) is using the database " + settings.jdbcUrl() + " ("
                            + holder + "); stop it, or start it with SB_CLUSTER=on too"
                    : "another Scenario Builder server is using the database " + settings.jdbcUrl() + " (" + holder
                            + "); one server per database unless every server sets SB_CLUSTER=on: stop it first");
        } catch (SQLException e) {
            closeQuietly(session);
            throw new StoreException("cannot take the server lock on " + settings.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    /** A session of its own, named after this process so that another server's message can name it. */
    private static Connection connect(StoreSettings settings) throws SQLException {
        return session(settings, "scenario-builder " + whoAmI());
    }

    /** A PostgreSQL session of its own (not from the pool), named {@code name} in {@code pg_stat_activity}. */
    static Connection session(StoreSettings settings, String name) throws SQLException {
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("ApplicationName", name.substring(0, Math.min(63, name.length()))); // PostgreSQL keeps 63 bytes
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true"); // held for the server's life: a dead peer is noticed
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    private static boolean tryLock(Connection session, boolean shared) throws SQLException {
        try (PreparedStatement st = session.prepareStatement(shared ? "SELECT pg_try_advisory_lock_shared(?)" : "SELECT pg_try_advisory_lock(?)")) {
            st.setLong(1, ADVISORY_KEY);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The session holding the advisory lock: its application name, address and start. */
    private static String postgresHolder(Connection session) throws SQLException {
        try (PreparedStatement st = session.prepareStatement("SELECT a.application_name, a.client_addr, a.backend_start "
                + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                + "AND ((l.classid::bigint << 32) | l.objid::bigint) = ? AND l.database = (SELECT oid FROM pg_database "
                + "WHERE datname = current_database())")) {
            st.setLong(1, ADVISORY_KEY);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1) + (rs.getString(2) == null ? "" : ", from " + rs.getString(2))
                            + ", connected " + rs.getTimestamp(3).toInstant();
                }
            }
        }
        return "holder unknown";
    }

    @Override
    public void close() {
        closed = true;
        if (keeper != null) {
            keeper.interrupt();
        }
        try {
            if (fileLock != null) {
                fileLock.release();
            }
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        closeQuietly(channel);
        closeQuietly(session);
        if (file != null) {
            HELD_HERE.remove(file);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing more to give back
        }
    }
}
