package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of a cluster tell each other things through PostgreSQL's {@code LISTEN/NOTIFY}: a command for an
 * execution another server runs, a change of a scenario, a key, a connection or a plugin, the live log lines. A
 * notification is a hint, never the truth: it is lost while a server's listening session is down, so each user of the
 * bus also reads the tables (the truth) on a timer, and again after {@link #onReconnect reconnecting}.
 *
 * <p>One session of its own listens on every channel; the handlers run on its thread, in order, and must be quick.
 * Notifications are sent on the store's pool. A payload is at most {@value #MAX_PAYLOAD} bytes (PostgreSQL's limit is
 * 8000).
 */
public final class ClusterBus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterBus.class);

    /** Commands for executions: the payload is the id of the server that runs them. */
    public static final String COMMANDS = "sb_commands";
    /** Changes of scenarios, keys, connections and plugins: {@code kind:id}. */
    public static final String CHANGES = "sb_changes";
    /** Live log lines and events, in batches. */
    public static final String LIVE = "sb_live";
    /** The longest payload sent: PostgreSQL refuses 8000 bytes and more. */
    public static final int MAX_PAYLOAD = 7_900;

    private final StoreSettings settings;
    private final DataSource pool;
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final List<Runnable> reconnected = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile Connection session;
    private Thread listener;

    public ClusterBus(StoreSettings settings, DataSource pool) {
        if (settings.sqlite()) {
            throw new IllegalArgumentException("the cluster bus needs PostgreSQL");
        }
        this.settings = settings;
        this.pool = pool;
    }

    /** Calls {@code handler} with each notification's payload on {@code channel} (before {@link #start}). */
    public void on(String channel, Consumer<String> handler) {
        handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /** Runs {@code catchUp} each time listening starts again after its session was lost: what came meanwhile was missed. */
    public void onReconnect(Runnable catchUp) {
        reconnected.add(catchUp);
    }

    /** Starts listening; returns once the channels are listened to, so nothing sent after it is missed. */
    public void start() {
        try {
            session = listen();
        } catch (SQLException e) {
            throw new StoreException("cannot listen for the other servers of the cluster: " + JdbcErrors.rootMessage(e), e);
        }
        listener = Thread.ofPlatform().name("sb-cluster-bus").daemon().start(this::run);
    }

    private Connection listen() throws SQLException {
        Connection connection = InstanceLock.session(settings, "scenario-builder cluster bus");
        try (Statement st = connection.createStatement()) {
            for (String channel : handlers.keySet()) {
                st.execute("LISTEN " + channel);
            }
        }
        return connection;
    }

    private void run() {
        boolean lost = false;
        while (!closed) {
            try {
                if (session == null) {
                    session = listen();
                    if (lost) {
                        LOG.warn("listening to the cluster again; catching up with what was missed");
                        reconnected.forEach(ClusterBus::quietly);
                        lost = false;
                    }
                }
                PGNotification[] notifications = session.unwrap(PGConnection.class).getNotifications(500);
                if (notifications == null) {
                    continue;
                }
                for (PGNotification notification : notifications) {
                    for (Consumer<String> handler : handlers.getOrDefault(notification.getName(), List.of())) {
                        quietly(() -> handler.accept(notification.getParameter()));
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                if (!lost) {
                    LOG.warn("lost the cluster's notifications ({}); listening again", JdbcErrors.rootMessage(e));
                }
                lost = true;
                InstanceLock.closeQuietly(session);
                session = null;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private static void quietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("a cluster notification's handler failed: {}", e.toString());
        }
    }

    /**
     * Sends {@code payload} to every server listening on {@code channel}, this one included, once the current
     * transaction of the pool's connection commits (here: at once).
     *
     * @throws IllegalArgumentException when the payload is longer than {@value #MAX_PAYLOAD} bytes
     */
    public void publish(String channel, String payload) {
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a cluster notification holds at most " + MAX_PAYLOAD + " bytes");
        }
        try (Connection connection = pool.getConnection(); PreparedStatement st = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, channel);
            st.setString(2, payload);
            st.execute();
        } catch (SQLException e) {
            throw new StoreException("cannot notify the cluster: " + JdbcErrors.rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            listener.interrupt();
        }
        InstanceLock.closeQuietly(session);
    }
}
