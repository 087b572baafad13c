package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionStateException;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.UnknownExecutionException;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.testing.TestIntegration;
import io.scenariobuilder.core.testing.TestPostgres;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pause, resume and cancel sent to one server of a cluster for an execution another runs: the command goes through the
 * table and a notification to the owner, which applies it and answers; an execution whose owner stopped is claimed by
 * the server that got the command, and the command applied there.
 */
class ClusterCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String SCENARIO = """
            {"id": "held", "nodes": [
              {"id": "hold", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "g"}},
              {"id": "after", "integrationId": "test", "actionId": "record"}
            ], "connections": [{"fromNodeId": "hold", "toNodeId": "after"}]}""";

    private final StoreSettings settings = TestPostgres.freshDatabase();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A server of the cluster: its store, membership, bus, commands and engine. */
    private final class Server {
        final JdbcExecutionStore store = new JdbcExecutionStore(settings);
        final ClusterMembership membership = ClusterMembership.join(store.dataSource(), "server", LEASE);
        final ClusterBus bus = new ClusterBus(settings, store.dataSource());
        final ClusterCommands commands;
        final TestIntegration test = new TestIntegration();
        final Injector injector = Engines.injector(Modules.override(new EngineModule(new EngineSettings(2, 100, 1L)))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        final ExecutionEngine engine;

        Server() {
            store.ownedBy(membership.id());
            IntegrationRegistry registry = injector.getInstance(IntegrationRegistry.class);
            registry.register(new CoreIntegration().manifest(), getClass().getClassLoader(), "core");
            registry.register(test.manifest(), getClass().getClassLoader(), "test");
            engine = injector.getInstance(ExecutionEngine.class);
            commands = new ClusterCommands(store, membership, bus);
            commands.attach(engine);
            bus.start();
            // As serve does: after each heartbeat, what stopped (or parked) servers left is claimed and resumed here.
            membership.start(() -> engine.resumeStored(store.claimOrphans(LEASE, 100)), message -> { });
            open.add(store);
            open.add(membership);
            open.add(engine);
            open.add(commands);
            open.add(bus);
        }

        ExecutionHandle start() {
            return engine.start(injector.getInstance(ScenarioParser.class).parseOrThrow(SCENARIO, "t"), JSON.createObjectNode());
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static ExecutionStatus answer(CompletionStage<ExecutionStatus> stage) throws Exception {
        return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aCommandSentToAnotherServerIsAppliedByTheOneRunningTheExecution() throws Exception {
        Server a = new Server();
        Server b = new Server();
        ExecutionHandle held = a.start();
        assertThat(a.test.startedAt("g").await(10, TimeUnit.SECONDS)).isTrue();

        // B does not run it: it sends the pause to A, which pauses it and answers.
        assertThat(answer(b.engine.pause(held.executionId()))).isEqualTo(ExecutionStatus.PAUSED);
        a.test.open("g");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.store.find(held.executionId()).orElseThrow().requireNode("hold").status()
                == io.scenariobuilder.core.engine.NodeStatus.COMPLETED);
        assertThat(a.test.runs("after")).as("paused: nothing new starts").isZero();
        // A refusal comes back as A's own refusal: it is paused already.
        assertThatThrownBy(() -> answer(b.engine.pause(held.executionId()))).hasCauseInstanceOf(ExecutionStateException.class);

        // The listening sessions killed (a database restart, a proxy): the command still arrives (read from the table
        // every second, and caught up when listening again).
        try (var c = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                var st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'scenario-builder cluster bus'");
        }
        assertThat(answer(b.engine.resume(held.executionId()))).isIn(ExecutionStatus.RUNNING, ExecutionStatus.COMPLETED);
        assertThat(held.completion().toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(a.test.runs("after")).isEqualTo(1);
        assertThat(b.test.runs("after")).as("B never ran it").isZero();

        // Finished or unknown: B answers itself.
        assertThatThrownBy(() -> answer(b.engine.cancel(held.executionId()))).hasCauseInstanceOf(ExecutionStateException.class)
                .hasMessageContaining("is completed");
        assertThatThrownBy(() -> answer(b.engine.cancel("nope"))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownExecutionException.class);
    }

    /**
     * A command this server does not know (sent by a newer version during a rolling upgrade) is answered with an error
     * naming it, not left waiting; answered commands are forgotten after the hour.
     */
    @Test
    void aCommandThisVersionDoesNotKnowIsAnsweredNamingItAndAnsweredCommandsAreForgotten() throws Exception {
        Server a = new Server();
        try (var c = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                var insert = c.prepareStatement("INSERT INTO execution_commands (id, execution_id, owner, command, requested_at) "
                        + "VALUES ('cmd-new', 'e1', ?, 'rewind', 0)")) {
            insert.setString(1, a.membership.id());
            insert.executeUpdate();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT done_at, error FROM execution_commands WHERE id = 'cmd-new'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1)).as("answered").isNotNull();
                    assertThat(rs.getString(2)).isEqualTo("unknown command 'rewind'");
                }
            });
            assertThat(a.commands.forgetAnswered(Duration.ofHours(1))).as("answered just now: kept").isZero();
            // Older than nothing (once the clock moved past the answer's millisecond): forgotten.
            await().atMost(Duration.ofSeconds(5)).until(() -> a.commands.forgetAnswered(Duration.ZERO) == 1);
        }
    }

    @Test
    void aCommandForAnExecutionWhoseServerLeftIsAppliedByTheServerThatGotIt() throws Exception {
        Server a = new Server();
        Server b = new Server();
        ExecutionHandle held = a.start();
        assertThat(a.test.startedAt("g").await(10, TimeUnit.SECONDS)).isTrue();
        // A stops: its engine abandons the execution (still running in the store) and it leaves the cluster.
        a.engine.close();
        a.membership.close();

        // B gets a cancel for it: B claims it, resumes it (the gate runs again, on B) and cancels it.
        assertThat(answer(b.engine.cancel(held.executionId()))).isEqualTo(ExecutionStatus.CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.store.find(held.executionId()).orElseThrow().status() == ExecutionStatus.CANCELLED);
        assertThat(b.store.owner()).isEqualTo(b.membership.id());
        assertThat(b.test.runs("after")).isZero();
    }

    @Test
    void anExecutionWaitingOnlyForALaterRetryLeavesItsServerAndIsTakenAtItsTimeByAServerWithRoom() throws Exception {
        Server a = new Server();
        Server b = new Server();
        a.engine.parkRetriesLongerThan(Duration.ofSeconds(1));
        b.engine.parkRetriesLongerThan(Duration.ofSeconds(1));
        ExecutionHandle flaky = a.engine.start(a.injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"id": "flaky", "nodes": [
                  {"id": "call", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "network_error", "failTimes": 1},
                   "retryPolicy": {"maxAttempts": 3, "baseDelayMs": 2500, "backoffMultiplier": 1, "maxDelayMs": 2500, "jitter": false}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "call", "toNodeId": "after"}]}""", "t"), JSON.createObjectNode());
        String id = flaky.executionId();

        // The first attempt failed; only its retry, 2.5 s ahead, waits: the execution leaves A, kept without an owner.
        await().atMost(Duration.ofSeconds(5)).until(() -> a.engine.activeExecutions() == 0 && b.engine.activeExecutions() == 0);
        try (var c = a.store.dataSource().getConnection();
                var st = c.prepareStatement("SELECT owner, parked_until, status FROM executions WHERE id = ?")) {
            st.setString(1, id);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("no owner while parked").isNull();
                assertThat(rs.getLong(2)).as("parked until the retry").isGreaterThan(System.currentTimeMillis());
                assertThat(rs.getString(3)).isEqualTo("running");
            }
        }
        // At its time a server claims it and the retry runs; it completes, the failing node after two attempts.
        await().atMost(Duration.ofSeconds(15)).until(() -> a.store.find(id).orElseThrow().status() == ExecutionStatus.COMPLETED);
        assertThat(a.store.find(id).orElseThrow().requireNode("call").attempts()).isEqualTo(2);
        assertThat(a.store.logs(id)).anySatisfy(line -> assertThat(line.message()).contains("leaves this server until then"));
    }
}
