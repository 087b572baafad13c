package io.scenariobuilder.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An embedded PostgreSQL and server processes sharing it as a cluster ({@code SB_CLUSTER=on}), all stopped on close. */
final class ClusterProcesses implements AutoCloseable {

    /** Every server of a cluster has the same master key: the stored credentials are sealed with it. */
    static final String MASTER_KEY = "MxrKV/XAnMMb2JX8zwH64mMtjAR/VmbLdXO1l4GVxbw=";

    private final Path dir;
    private final long leaseMs;
    private final EmbeddedPostgres postgres;
    private final List<ServerProcess> servers = new ArrayList<>();

    ClusterProcesses(Path dir, long leaseMs) throws IOException {
        this.dir = dir;
        this.leaseMs = leaseMs;
        this.postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("pg-work").toFile())
                .setDataDirectory(dir.resolve("pg-data")).start();
    }

    /** Starts a server of the cluster named {@code name}, with the http plugin. */
    ServerProcess server(String name) throws Exception {
        return server(name, Map.of());
    }

    /** Starts a server of the cluster named {@code name}, with the http plugin and {@code extra} settings. */
    ServerProcess server(String name, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("SB_DB_URL", postgres.getJdbcUrl("postgres", "postgres"),
                "SB_DB_USER", "postgres", "SB_DB_PASSWORD", "postgres"));
        settings.put("SB_CLUSTER", "on");
        settings.put("SB_CLUSTER_LEASE_MS", String.valueOf(leaseMs));
        settings.put("SB_INSTANCE_NAME", name);
        settings.put("SB_MASTER_KEY", MASTER_KEY);
        settings.putAll(extra);
        ServerProcess server = new ServerProcess(Files.createDirectories(dir.resolve(name)), Files.createDirectories(dir.resolve(name + "-data")),
                List.of("-Xmx256m"), settings, "sb-plugin-http").start();
        servers.add(server);
        return server;
    }

    /** The shared database's URL (user and password: postgres). */
    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** The shared database, for a test that changes it behind the servers' backs. */
    java.sql.Connection database() throws java.sql.SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
        postgres.close();
    }
}
