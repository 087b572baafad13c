package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: mixed load on a server in its own process while faults hit it at random, then a check of the invariants
 * over the whole store. Faults: SIGKILL and restart; on SQLite, the database locked by another process past the busy
 * timeout and the disk full (a small tmpfs under the data folder when this process may mount one); on PostgreSQL,
 * every server connection killed, and the database stopped and started again. Invariants: every acknowledged
 * execution (a 202) is stored and ends; none stays queued or running; no node that was stored completed ran again (a
 * witness HTTP server records each call of the scenario's {@code http} node, and no call may arrive after that node's
 * stored end). One minute in {@code mvn verify}, half on each store; {@code ./bench soak MINUTES} (system property
 * {@code sb.soak.minutes}) runs it longer.
 */
class SoakTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled", "incomplete");

    @TempDir
    Path dir;

    private ServerProcess server;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private Witness witness;
    private boolean mounted;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (witness != null) {
            witness.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", "-l", dir.resolve("data").toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One kind of store under the soak: how the server reaches it, and the faults it can suffer besides SIGKILL. */
    private interface Faults {
        Map<String, String> settings();

        /** The faults besides SIGKILL, by name: each makes one fault happen and end. */
        List<String> names();

        void make(String name, Random random) throws Exception;
    }

    @Test
    void onSqliteUnderKillsLocksAndFullDisksEveryAcknowledgedExecutionEndsAndNoCompletedNodeRunsAgain() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // Room for what the soak stores (about 3 KB an execution, 100 a second) and more: a disk the store's own data
        // fills stays full, and the soak would only measure that.
        long megabytes = Math.max(96, (long) (Double.parseDouble(System.getProperty("sb.soak.minutes", "1")) * 128));
        mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", data.toString()).start().waitFor() == 0;
        soak(data, new Faults() {
            @Override
            public Map<String, String> settings() {
                return Map.of();
            }

            @Override
            public List<String> names() {
                return mounted ? List.of("locked", "disk full") : List.of("locked");
            }

            @Override
            public void make(String name, Random random) throws Exception {
                if (name.equals("locked")) {
                    // Another process's write lock past the busy timeout (the server's is 200 ms here).
                    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("scenario-builder.db"));
                            Statement st = other.createStatement()) {
                        st.execute("BEGIN IMMEDIATE");
                        Thread.sleep(500 + random.nextInt(1_500)); // the fault's duration: how long the lock is held
                        st.execute("COMMIT");
                    }
                    return;
                }
                Path filler = data.resolve("filler");
                try (OutputStream out = Files.newOutputStream(filler)) {
                    byte[] block = new byte[64 * 1024];
                    while (true) {
                        out.write(block);
                    }
                } catch (IOException full) {
                    // the disk is full now
                }
                Thread.sleep(500 + random.nextInt(1_500)); // the fault's duration: how long the disk stays full
                Files.delete(filler);
            }
        });
    }

    @Test
    void onPostgresUnderKillsConnectionKillsAndRestartsEveryAcknowledgedExecutionEndsAndNoCompletedNodeRunsAgain() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(dir.resolve("pg-work").toFile()).setDataDirectory(dir.resolve("pg-data"))
                .setCleanDataDirectory(false).setPort(port);
        postgres = builder.start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        soak(Files.createDirectories(dir.resolve("data")), new Faults() {
            @Override
            public Map<String, String> settings() {
                return Map.of("SB_DB_URL", url, "SB_DB_USER", "postgres", "SB_DB_PASSWORD", "postgres");
            }

            @Override
            public List<String> names() {
                return List.of("connections killed", "database restarted");
            }

            @Override
            public void make(String name, Random random) throws Exception {
                if (name.equals("connections killed")) {
                    try (Connection admin = DriverManager.getConnection(url, "postgres", "postgres"); Statement st = admin.createStatement()) {
                        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                                + "AND pid <> pg_backend_pid()");
                    }
                    return;
                }
                postgres.close();
                Thread.sleep(500 + random.nextInt(1_500)); // the fault's duration: how long the database is down
                postgres = builder.start();
            }
        });
    }

    private void soak(Path data, Faults store) throws Exception {
        double minutes = Double.parseDouble(System.getProperty("sb.soak.minutes", "1")) / 2;
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        Random random = new Random(Long.getLong("sb.soak.seed", System.nanoTime()));

        // The witness: each call of the http node, with the time it arrived.
        witness = new Witness();

        Map<String, String> settings = new java.util.HashMap<>(store.settings());
        settings.put("SB_SHUTDOWN_GRACE_MS", "2000");
        server = new ServerProcess(dir, data, List.of("-Xmx256m", "-Dsb.store.busyTimeoutMs=200"), settings, "sb-plugin-http").start();
        HttpResponse<String> saved = server.send(server.api("/api/v1/scenarios").POST(HttpRequest.BodyPublishers.ofString("""
                {"id": "soak", "trigger": {"type": "webhook", "path": "soak"}, "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": "{{ trigger.body.n }}"}}},
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 150}},
                  {"id": "call", "integrationId": "http", "actionId": "request",
                   "configuration": {"method": "POST", "url": "http://127.0.0.1:%d/call?e={{ execution.id }}", "body": {"n": "{{ trigger.body.n }}"}}},
                  {"id": "d", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "wait"}, {"fromNodeId": "wait", "toNodeId": "call"},
                  {"fromNodeId": "call", "toNodeId": "d"}]}""".formatted(witness.port()))).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);

        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> refused = new ConcurrentHashMap<>();
        AtomicInteger down = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int n = 0; loading.get(); n++) {
                try {
                    HttpResponse<String> answer = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/hooks/soak"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + n + "}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 202) {
                        acknowledged.add(JSON.readTree(answer.body()).get("executionId").asText());
                    } else {
                        assertThat(answer.statusCode()).as(answer.body()).isIn(429, 503);
                        refused.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    }
                    Thread.sleep(5); // the load's pace, about 100 webhooks a second
                } catch (IOException e) {
                    down.incrementAndGet(); // the server is down (killed): nothing was acknowledged
                    try {
                        Thread.sleep(50); // the server is down: try again at a gentler pace
                    } catch (InterruptedException stop) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        List<String> faults = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Thread.sleep(2_000 + random.nextInt(3_000)); // the time between two faults
            int pick = random.nextInt(store.names().size() + 1);
            if (pick == 0) {
                faults.add("SIGKILL");
                server.kill();
                server.start();
            } else {
                String name = store.names().get(pick - 1);
                faults.add(name);
                store.make(name, random);
            }
        }
        loading.set(false);
        load.get(60, TimeUnit.SECONDS);
        System.out.printf("soak (%s): %.1f min, faults %s, %,d acknowledged, refused %s, %,d sent while the server was down, %d server starts%n",
                store.settings().isEmpty() ? "SQLite" : "PostgreSQL", minutes, faults, acknowledged.size(), refused, down.get(), server.starts());

        // Every acknowledged execution ends: none is left queued, running or paused, even across the restarts.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                BurstTest.count(server, "queued") == 0 && BurstTest.count(server, "running") == 0);
        int completed = 0;
        int otherwise = 0;
        for (String id : acknowledged) {
            HttpResponse<String> answer = server.send(server.api("/api/v1/executions/" + id).build());
            assertThat(answer.statusCode()).as("acknowledged execution %s is stored", id).isEqualTo(200);
            JsonNode execution = JSON.readTree(answer.body());
            String status = execution.get("status").asText();
            assertThat(FINAL).as("execution %s ended (%s)", id, answer.body()).contains(status);
            if (status.equals("completed")) {
                completed++;
                long callEnd = java.time.Instant.parse(node(execution, "call").get("endTime").asText()).toEpochMilli();
                List<Long> arrived = witness.calls("/call?e=" + id);
                assertThat(arrived).as("execution %s called the witness at least once", id).isNotEmpty();
                assertThat(arrived).as("no call of execution %s after its call node was stored completed", id)
                        .allSatisfy(at -> assertThat(at).isLessThanOrEqualTo(callEnd));
            } else {
                otherwise++;
                // Only the faults' own answer may end one otherwise: running at two unclean stops in a row.
                assertThat(execution.at("/error/type").asText()).as(answer.body()).isEqualTo("crash_suspected");
            }
        }
        System.out.printf("soak: %,d completed, %,d failed as crash_suspected%n", completed, otherwise);
        assertThat(completed).isPositive();
    }

    private static JsonNode node(JsonNode execution, String id) {
        for (JsonNode node : execution.get("nodes")) {
            if (node.get("nodeId").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no node " + id + " in " + execution);
    }
}
