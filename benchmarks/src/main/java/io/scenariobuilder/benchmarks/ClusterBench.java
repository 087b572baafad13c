package io.scenariobuilder.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.ClusterMembership;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.plugins.core.CoreIntegration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable executions per second of the 5-node {@code core} scenario (as {@link DurableThroughputBenchmark}) on
 * PostgreSQL, with 1, 2 and 3 server instances of a cluster sharing one database: each instance is a store (its own
 * connection pool and group-commit writer), a cluster membership (heartbeat) and an engine, as {@code serve} wires them,
 * without HTTP. They share this machine's cores with each other and with the database, as the issue asks to report.
 * Usage: {@code ./bench cluster [seconds per run, default 15] [executions in flight, default 500]}.
 */
public final class ClusterBench {

    private record Instance(JdbcExecutionStore store, ClusterMembership membership, ExecutionEngine engine, CompiledScenario scenario) {
    }

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path work = Files.createTempDirectory("sb-cluster-bench-");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work.resolve("pg").toFile())
                .setDataDirectory(work.resolve("pg-data")).start()) {
            System.out.printf("PostgreSQL %s (fsync on, synchronous_commit on), %d cores, %d s a run, %d executions in flight%n",
                    version(postgres), Runtime.getRuntime().availableProcessors(), seconds, inFlight);
            for (int instances : new int[] {1, 2, 3}) {
                run(postgres, instances, seconds, inFlight);
            }
        }
    }

    private static String version(EmbeddedPostgres postgres) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
                Statement st = c.createStatement(); var rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void run(EmbeddedPostgres postgres, int count, int seconds, int inFlight) throws Exception {
        String database = "bench" + count;
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database);
            st.execute("CREATE DATABASE " + database);
        }
        StoreSettings settings = new StoreSettings(postgres.getJdbcUrl("postgres", database), "postgres", "postgres", false, 1_000,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JdbcExecutionStore store = new JdbcExecutionStore(settings);
            ClusterMembership membership = ClusterMembership.join(store.dataSource(), "bench-" + i, Duration.ofSeconds(10));
            store.ownedBy(membership.id());
            membership.start(() -> { }, message -> System.err.println("fenced: " + message));
            Injector injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults()))
                    .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
            injector.getInstance(IntegrationRegistry.class).register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
            CompiledScenario scenario = injector.getInstance(ScenarioValidator.class)
                    .compile(injector.getInstance(ScenarioParser.class).parseOrThrow(DurableThroughputBenchmark.SCENARIO, "cluster-bench"));
            instances.add(new Instance(store, membership, injector.getInstance(ExecutionEngine.class), scenario));
        }
        JsonNode trigger = new ObjectMapper().createObjectNode().put("id", 42);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> drivers = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds + 5L).toNanos(); // 5 s of warm-up first
        for (Instance instance : instances) {
            Semaphore slots = new Semaphore(inFlight / count);
            drivers.add(Thread.ofPlatform().name("bench-driver").start(() -> {
                while (System.nanoTime() < end) {
                    slots.acquireUninterruptibly();
                    instance.engine().start(instance.scenario(), trigger).completion().whenComplete((result, failure) -> {
                        if (failure == null && result.status() == ExecutionStatus.COMPLETED) {
                            completed.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        slots.release();
                    });
                }
            }));
        }
        Thread.sleep(5_000);
        long before = completed.get();
        long startNs = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        long done = completed.get() - before;
        double elapsed = (System.nanoTime() - startNs) / 1e9;
        for (Thread driver : drivers) {
            driver.join();
        }
        long writes = 0;
        long commits = 0;
        for (Instance instance : instances) {
            instance.engine().drain(Duration.ofSeconds(30));
            writes += instance.store().writes();
            commits += instance.store().commits();
            instance.membership().close();
            instance.store().close();
        }
        System.out.printf("%d instance(s): %,.0f durable executions/s (%,.0f node completions/s), %.1f writes a commit, %d failed%n",
                count, done / elapsed, done * 5 / elapsed, (double) writes / Math.max(1, commits), failed.get());
    }
}
