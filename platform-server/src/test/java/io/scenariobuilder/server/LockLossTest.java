package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server on PostgreSQL (no cluster) holds the database's lock on a session of its own. That session is lost (a
 * failover, a killed connection) and, before the server takes the lock again, a second server takes it: the first
 * must not run beside it. It stops itself, exits with 3 and says who holds the lock now.
 */
class LockLossTest {

    /** {@code InstanceLock.ADVISORY_KEY}: the lock every server of one database takes. */
    private static final long ADVISORY_KEY = 0x7363656e6172696fL;

    @TempDir
    Path dir;

    private ClusterProcesses database;
    private ServerProcess a;

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** A server alone on the database at {@code url}: not a cluster of one (SB_CLUSTER=off), so no heartbeat fences it. */
    private ServerProcess loneServer(String url) throws Exception {
        return new ServerProcess(Files.createDirectories(dir.resolve("a")), Files.createDirectories(dir.resolve("a-data")),
                List.of("-Xmx256m"), Map.of("SB_DB_URL", url, "SB_DB_USER", "postgres", "SB_DB_PASSWORD", "postgres",
                        "SB_MASTER_KEY", ClusterProcesses.MASTER_KEY, "SB_CLUSTER", "off")).start();
    }

    @Test
    void aServerWhoseLockWentToAnotherWhileItsSessionWasLostStopsItselfAndSaysWho() throws Exception {
        database = new ClusterProcesses(dir, 3_000); // its PostgreSQL only: this server runs alone
        a = loneServer(database.jdbcUrl());

        Properties other = new Properties();
        other.setProperty("user", "postgres");
        other.setProperty("password", "postgres");
        other.setProperty("ApplicationName", "the other server");
        try (Connection admin = database.database(); Statement st = admin.createStatement();
                Connection taker = DriverManager.getConnection(database.jdbcUrl(), other); Statement take = taker.createStatement()) {
            // A's lock session is cut, and the other takes the lock at once, before A's next look (every 2 s); should A
            // take it again first, its new session is cut too.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                st.execute("SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted");
                try (ResultSet taken = take.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_KEY + ")")) {
                    taken.next();
                    return taken.getBoolean(1);
                }
            });

            assertThat(a.exitCode(Duration.ofSeconds(30))).isEqualTo(3);
        }
        assertThat(a.log()).contains("error: the server stopped itself: the server lock on " + database.jdbcUrl())
                .contains("was lost with its database session, and another server holds it now (the other server");
    }

    @Test
    void aServerWhoseLockSessionWasLostTakesTheLockAgainAndGoesOn() throws Exception {
        database = new ClusterProcesses(dir, 3_000);
        a = loneServer(database.jdbcUrl());
        try (Connection admin = database.database(); Statement st = admin.createStatement()) {
            int before;
            try (ResultSet killed = st.executeQuery("SELECT pg_terminate_backend(l.pid), l.pid FROM pg_locks l "
                    + "WHERE l.locktype = 'advisory' AND l.granted")) {
                assertThat(killed.next()).as("A's lock session").isTrue();
                before = killed.getInt(2);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                try (ResultSet held = st.executeQuery("SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted")) {
                    return held.next() && held.getInt(1) != before;
                }
            });
        }
        assertThat(a.alive()).isTrue();
        assertThat(a.send(a.api("/api/v1/scenarios").GET().build()).statusCode()).isEqualTo(200);
    }

    /** The database restarts under a lone server: it waits, takes its lock again once the database is back, and goes on. */
    @Test
    void aServerWhoseDatabaseRestartsTakesItsLockAgainAndGoesOn() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("pg-work").toFile())
                .setDataDirectory(dir.resolve("pg-data")).setCleanDataDirectory(false).setPort(port);
        var first = builder.start();
        String url = first.getJdbcUrl("postgres", "postgres");
        a = loneServer(url);
        assertThat(a.send(a.api("/api/v1/scenarios").POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                {"id": "kept", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""")).build()).statusCode())
                .isEqualTo(201);

        first.close(); // the database stops; the server's lock session goes with it
        await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("cannot take the server lock again yet"));
        // Meanwhile the API says the store is unavailable for now, and when to try again: not an internal error.
        var unavailable = a.send(a.api("/api/v1/scenarios").GET().build());
        assertThat(unavailable.statusCode()).as(unavailable.body()).isEqualTo(503);
        assertThat(unavailable.body()).contains("store_unavailable");
        assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
        // A key it has not seen yet cannot be checked meanwhile: the same answer, not "wrong key".
        var unchecked = a.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.base + "/api/v1/scenarios"))
                .header("Authorization", "Bearer sb_a_key_not_seen_yet_0000000000").GET().build());
        assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(503);
        assertThat(unchecked.body()).contains("store_unavailable");
        // So does a live stream's handshake with such a key: 503, as the API, not an internal error.
        Throwable refused = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + a.port + "/api/v1/logs/stream?token=sb_a_key_not_seen_yet_0000000000"),
                        new java.net.http.WebSocket.Listener() { })
                .handle((socket, failure) -> failure).get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(refused).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(503);
        var again = builder.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.log().contains("the server lock's database session was lost"));
            assertThat(a.alive()).isTrue();
            java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    var got = a.send(a.api("/api/v1/scenarios/kept").timeout(Duration.ofSeconds(10)).GET().build());
                    seen.add(got.statusCode() + " " + got.body());
                    return got.statusCode() == 200;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("answers: " + seen + "\nlog: " + a.log(), e);
            }
        } finally {
            a.close();
            again.close();
        }
    }
}
