package io.scenariobuilder.core.engine;

import static io.scenariobuilder.core.testing.TestEngine.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestIntegration;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executions resumed after a restart, from what the durable store holds. */
class RecoveryTest {

    private static final String SCENARIO = """
            {"id": "resumable", "nodes": [
              {"id": "a", "integrationId": "test", "actionId": "record"},
              {"id": "b", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "b"}},
              {"id": "c", "integrationId": "test", "actionId": "record"},
              {"id": "d", "integrationId": "test", "actionId": "record"},
              {"id": "e", "integrationId": "test", "actionId": "record"}
            ], "connections": [
              {"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"},
              {"fromNodeId": "a", "toNodeId": "d", "condition": "input.v > 5"}, {"fromNodeId": "d", "toNodeId": "e"}
            ]}""";

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A platform on the database in {@code dir}, with its own test integration. */
    private final class Platform {
        final JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
        final Injector injector = Engines.injector(Modules.override(new EngineModule(new EngineSettings(2, 100, 1L)))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        final TestIntegration test = new TestIntegration();
        final ExecutionEngine engine;

        Platform() {
            IntegrationRegistry registry = injector.getInstance(IntegrationRegistry.class);
            registry.register(new CoreIntegration().manifest(), getClass().getClassLoader(), "core");
            registry.register(test.manifest(), getClass().getClassLoader(), "test");
            engine = injector.getInstance(ExecutionEngine.class);
            toClose.add(engine);
            toClose.add(store);
        }

        CompiledScenario compile(String json) {
            return injector.getInstance(ScenarioValidator.class).compile(injector.getInstance(ScenarioParser.class).parseOrThrow(json, "r"));
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private static void done(java.util.concurrent.CompletionStage<Void> write) throws Exception {
        write.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Leaves in the store what a crash leaves: a completed, b running (attempt 1), nothing else recorded. */
    private void crashedState(Platform platform, String executionId, ExecutionStatus status) throws Exception {
        CompiledScenario scenario = platform.compile(SCENARIO);
        Instant start = Instant.now().minusSeconds(1);
        done(platform.store.executionCreated(executionId, "resumable", 0, scenario.snapshot(), json("{\"v\": 1}"),
                ExecutionStatus.QUEUED, start, TraceContext.fresh()));
        done(platform.store.executionUpdated(executionId, status, null, null));
        done(platform.store.nodeUpdated(executionId, new NodeRecord("a", NodeStatus.COMPLETED, 1, start, start, 0L, json("{\"v\": 1}"), null)));
        done(platform.store.nodeUpdated(executionId, new NodeRecord("b", NodeStatus.RUNNING, 1, start, null, null, json("null"), null)));
    }

    @Test
    void aResumedExecutionRerunsTheRunningNodeAndNeverACompletedOne() throws Exception {
        Platform platform = new Platform();
        crashedState(platform, "e1", ExecutionStatus.RUNNING);

        List<ExecutionHandle> resumed = platform.engine.resumeUnfinished();

        assertThat(resumed).extracting(ExecutionHandle::executionId).containsExactly("e1");
        assertThat(platform.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        platform.test.open("b");
        ExecutionResult result = resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(platform.test.runs("a")).isZero();
        assertThat(platform.test.runs("b")).isEqualTo(1);
        assertThat(platform.test.runs("c")).isEqualTo(1);
        // b runs again as the attempt that was interrupted, with the same idempotency key.
        assertThat(platform.test.idempotencyKeys).containsEntry("e1/b/1", "e1:b");
        assertThat(result.requireNode("b").attempts()).isEqualTo(1);
        assertThat(result.requireNode("c").output()).isEqualTo(json("{\"v\": 1}"));
        assertThat(result.requireNode("d").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(result.requireNode("e").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(platform.store.find("e1").orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(platform.store.logs("e1")).anySatisfy(line ->
                assertThat(line.message()).contains("resumed after a restart: 1 node(s) already done, 1 to run again"));
        assertThat(platform.engine.resumeUnfinished()).isEmpty();
    }

    /** Leaves a completed and b final with {@code status} (the node's write landed), the execution still running. */
    private void crashedAfterNodeEnded(Platform platform, String executionId, String scenarioJson, NodeStatus status,
            NodeError error) throws Exception {
        CompiledScenario scenario = platform.compile(scenarioJson);
        Instant start = Instant.now().minusSeconds(1);
        done(platform.store.executionCreated(executionId, "resumable", 0, scenario.snapshot(), json("{\"v\": 1}"),
                ExecutionStatus.RUNNING, start, TraceContext.fresh()));
        done(platform.store.nodeUpdated(executionId, new NodeRecord("a", NodeStatus.COMPLETED, 1, start, start, 0L, json("{\"v\": 1}"), null)));
        done(platform.store.nodeUpdated(executionId, new NodeRecord("b", status, 1, start, start, 0L, json("null"), error)));
    }

    @Test
    void aNodeThatFailedJustBeforeTheCrashFailsTheExecutionOnResumeWithoutRunningAgain() throws Exception {
        Platform platform = new Platform();
        crashedAfterNodeEnded(platform, "f1", SCENARIO, NodeStatus.FAILED,
                new NodeError(ErrorType.INVALID_INPUT, "the order has no lines", false, null, 1, 1));

        List<ExecutionHandle> resumed = platform.engine.resumeUnfinished();

        ExecutionResult result = resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(result.error().message()).isEqualTo("the order has no lines");
        assertThat(result.error().nodeId()).isEqualTo("b");
        assertThat(platform.test.runs("b")).isZero();
        assertThat(platform.test.runs("c")).isZero();
        // With onError "break", the same record ends it incomplete.
        crashedAfterNodeEnded(platform, "f2", SCENARIO.replace("\"configuration\": {\"gate\": \"b\"}",
                "\"configuration\": {\"gate\": \"b\"}, \"onError\": \"break\""), NodeStatus.FAILED, null);
        ExecutionResult broken = platform.engine.resumeUnfinished().get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(broken.status()).isEqualTo(ExecutionStatus.INCOMPLETE);
        assertThat(broken.error().type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(broken.error().message()).isEqualTo("failed");
    }

    @Test
    void aNodeCancelledJustBeforeTheCrashLeavesTheExecutionCancelledOnResume() throws Exception {
        Platform platform = new Platform();
        crashedAfterNodeEnded(platform, "k1", SCENARIO, NodeStatus.CANCELLED, null);

        ExecutionResult result = platform.engine.resumeUnfinished().get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(result.error().message()).isEqualTo("cancelled before the restart");
        assertThat(platform.test.runs("c")).isZero();
        assertThat(platform.store.find("k1").orElseThrow().status()).isEqualTo(ExecutionStatus.CANCELLED);
    }

    @Test
    void anExecutionWhoseTimeRanOutWhileTheServerWasDownTimesOutOnResume() throws Exception {
        Platform platform = new Platform();
        String limited = SCENARIO.replace("{\"id\": \"resumable\", \"nodes\"",
                "{\"id\": \"resumable\", \"settings\": {\"timeoutMs\": 500}, \"nodes\"");
        CompiledScenario scenario = platform.compile(limited);
        Instant start = Instant.now().minusSeconds(5); // started 5 s ago, allowed 0.5 s
        done(platform.store.executionCreated("t1", "resumable", 0, scenario.snapshot(), json("{\"v\": 1}"),
                ExecutionStatus.RUNNING, start, TraceContext.fresh()));
        done(platform.store.nodeUpdated("t1", new NodeRecord("a", NodeStatus.COMPLETED, 1, start, start, 0L, json("{\"v\": 1}"), null)));

        ExecutionResult result = platform.engine.resumeUnfinished().get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(result.error().message()).isEqualTo("execution exceeded settings.timeoutMs of 500 ms");
        assertThat(platform.test.runs("c")).isZero();
    }

    /**
     * The execution that was running at each of the last two unclean stops may be what stops the server (a node that
     * exhausts memory, a native crash): it is not resumed a third time but failed, naming the node, until a person
     * retries it. One unclean stop alone resumes it.
     */
    @Test
    void anExecutionRunningAtTwoUncleanStopsInARowIsFailedAsSuspectNotResumed() throws Exception {
        Platform platform = new Platform();
        crashedState(platform, "p1", ExecutionStatus.RUNNING);
        platform.store.recordUncleanStop();
        assertThat(platform.store.load("p1").orElseThrow().uncleanStops()).isEqualTo(1);
        platform.store.recordUncleanStop();

        assertThat(platform.engine.resumeUnfinished()).isEmpty();

        ExecutionResult stored = platform.store.find("p1").orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(stored.error().type()).isEqualTo(ErrorType.CRASH_SUSPECTED);
        assertThat(stored.error().nodeId()).isEqualTo("b");
        assertThat(stored.error().message()).startsWith("not resumed: it was running at each of the last 2 unclean stops of the "
                + "server (node 'b' was running), so it may be what stopped it; retry it by hand")
                .endsWith("(POST /api/v1/executions/p1/retry)");
        assertThat(platform.store.load("p1").orElseThrow().uncleanStops()).as("forgotten once failed").isZero();
        assertThat(platform.test.runs("b")).isZero();
    }

    @Test
    void anExecutionWhoseStoredScenarioNoLongerParsesIsFailedOnResumeAndRefusedOnRetry() throws Exception {
        Platform platform = new Platform();
        var broken = new io.scenariobuilder.core.scenario.ScenarioSnapshot("broken", json("{\"id\": \"resumable\", \"nodes\": \"none\"}"));
        done(platform.store.executionCreated("x1", "resumable", 0, broken, json("{}"), ExecutionStatus.RUNNING, Instant.now(),
                TraceContext.fresh()));

        assertThat(platform.engine.resumeUnfinished()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.store.find("x1").orElseThrow().status() == ExecutionStatus.FAILED);
        assertThat(platform.store.find("x1").orElseThrow().error().message()).contains("cannot resume after a restart")
                .contains("$.nodes");
        assertThatThrownBy(() -> platform.engine.retry("x1")).isInstanceOf(io.scenariobuilder.core.scenario.InvalidScenarioException.class)
                .hasMessageContaining("$.nodes");
    }

    @Test
    void anExecutionStillQueuedWhenTheServerStoppedRunsOnResume() throws Exception {
        Platform platform = new Platform();
        CompiledScenario scenario = platform.compile(SCENARIO);
        done(platform.store.executionCreated("q1", "resumable", 0, scenario.snapshot(), json("{\"v\": 1}"),
                ExecutionStatus.QUEUED, Instant.now(), TraceContext.fresh()));

        List<ExecutionHandle> resumed = platform.engine.resumeUnfinished();

        assertThat(platform.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.store.find("q1").orElseThrow().status() == ExecutionStatus.RUNNING);
        platform.test.open("b");
        assertThat(resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(platform.test.runs("a")).isEqualTo(1);
    }

    /** Leaves a completed, and b waiting for its second attempt, due at {@code due}. */
    private void retryPending(Platform platform, String executionId, Instant due) throws Exception {
        CompiledScenario scenario = platform.compile(SCENARIO);
        Instant start = Instant.now().minusSeconds(1);
        done(platform.store.executionCreated(executionId, "resumable", 0, scenario.snapshot(), json("{\"v\": 1}"),
                ExecutionStatus.RUNNING, start, TraceContext.fresh()));
        done(platform.store.nodeUpdated(executionId, new NodeRecord("a", NodeStatus.COMPLETED, 1, start, start, 0L, json("{\"v\": 1}"), null)));
        NodeError error = new NodeError(io.scenariobuilder.api.error.ErrorType.NETWORK_ERROR, "reset", true, null, 1, 3);
        done(platform.store.nodeUpdated(executionId,
                new NodeRecord("b", NodeStatus.WAITING_RETRY, 1, start, null, null, json("null"), error, due)));
    }

    @Test
    void aRetryScheduledBeforeTheRestartFiresAtItsTimeAndOnce() throws Exception {
        Platform platform = new Platform();
        Instant due = Instant.now().plusMillis(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        retryPending(platform, "w1", due);
        platform.test.open("b");

        ExecutionHandle handle = platform.engine.resumeUnfinished().get(0);

        ExecutionResult waiting = platform.engine.snapshot("w1").toCompletableFuture().get();
        assertThat(waiting.requireNode("b").status()).isEqualTo(NodeStatus.WAITING_RETRY);
        assertThat(waiting.requireNode("b").nextAttemptAt()).isEqualTo(due);
        ExecutionResult result = handle.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(platform.test.runs("b")).isEqualTo(1);
        assertThat(result.requireNode("b").attempts()).isEqualTo(2);
        assertThat(result.requireNode("b").endTime()).isAfterOrEqualTo(due);
        assertThat(result.requireNode("b").nextAttemptAt()).isNull();
    }

    @Test
    void anOverdueRetryRunsAtOnce() throws Exception {
        Platform platform = new Platform();
        retryPending(platform, "w2", Instant.now().minusSeconds(30));
        platform.engine.resumeUnfinished();
        assertThat(platform.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        platform.test.open("b");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                platform.store.find("w2").orElseThrow().status() == ExecutionStatus.COMPLETED);
        assertThat(platform.test.idempotencyKeys).containsEntry("w2/b/2", "w2:b");
    }

    @Test
    void aDelayCutOffByTheRestartEndsAtItsTimeNotAfterWaitingAgain() throws Exception {
        Platform platform = new Platform();
        CompiledScenario scenario = platform.compile("""
                {"id": "sleepy", "nodes": [
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 3600000}},
                  {"id": "after", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "wait", "toNodeId": "after"}]}""");
        // The hour-long delay started two hours ago, before the crash: it is overdue.
        Instant started = Instant.now().minus(Duration.ofHours(2));
        done(platform.store.executionCreated("d1", "sleepy", 0, scenario.snapshot(), json("{\"k\": 1}"), ExecutionStatus.RUNNING, started, TraceContext.fresh()));
        done(platform.store.nodeUpdated("d1", new NodeRecord("wait", NodeStatus.RUNNING, 1, started, null, null, json("null"), null)));

        ExecutionResult result = platform.engine.resumeUnfinished().get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("wait").startTime()).isEqualTo(started.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(platform.test.runs("after")).isEqualTo(1);
    }

    @Test
    void aPausedExecutionStaysPausedUntilResumed() throws Exception {
        Platform platform = new Platform();
        crashedState(platform, "p1", ExecutionStatus.PAUSED);

        ExecutionHandle handle = platform.engine.resumeUnfinished().get(0);

        ExecutionResult snapshot = platform.engine.snapshot("p1").toCompletableFuture().get();
        assertThat(snapshot.status()).isEqualTo(ExecutionStatus.PAUSED);
        assertThat(platform.test.runs("b")).isZero();
        platform.test.open("b");
        platform.engine.resume("p1").toCompletableFuture().get();
        assertThat(handle.completion().toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(platform.test.runs("b")).isEqualTo(1);
    }

    @Test
    void anExecutionWhoseIntegrationIsGoneIsMarkedFailedWithTheReason() throws Exception {
        Platform platform = new Platform();
        CompiledScenario scenario = platform.compile(SCENARIO);
        String ghost = scenario.snapshot().document().toString().replace("\"test\"", "\"ghost\"");
        var snapshot = new io.scenariobuilder.core.scenario.ScenarioSnapshot("ghost-hash", json(ghost));
        done(platform.store.executionCreated("g1", "resumable", 0, snapshot, json("{}"), ExecutionStatus.RUNNING, Instant.now(), TraceContext.fresh()));

        assertThat(platform.engine.resumeUnfinished()).isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> platform.store.find("g1").orElseThrow().status() == ExecutionStatus.FAILED);
        assertThat(platform.store.find("g1").orElseThrow().error().message())
                .contains("cannot resume after a restart").contains("unknown integration 'ghost'");
    }

    @Test
    void anEngineStartedAgainOnTheSameDatabaseFinishesWhatTheFirstLeftRunning() throws Exception {
        Platform first = new Platform();
        ExecutionHandle handle = first.engine.start(first.compile(SCENARIO), json("{\"v\": 9}"));
        assertThat(first.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        // The "crash": the first platform goes away while b runs (its gate is never opened).
        first.engine.close();
        first.store.close();

        Platform second = new Platform();
        List<ExecutionHandle> resumed = second.engine.resumeUnfinished();
        assertThat(resumed).extracting(ExecutionHandle::executionId).containsExactly(handle.executionId());
        second.test.open("b");
        ExecutionResult result = resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(first.test.runs("a")).isEqualTo(1);
        assertThat(second.test.runs("a")).isZero();
        assertThat(second.test.runs("b")).isEqualTo(1);
        assertThat(second.test.idempotencyKeys.get(handle.executionId() + "/b/1"))
                .isEqualTo(first.test.idempotencyKeys.get(handle.executionId() + "/b/1"));
        // v = 9: the conditional branch was taken, before and after the restart.
        assertThat(result.requireNode("d").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(second.test.runs("d") + first.test.runs("d")).isEqualTo(1);
        assertThat(result.requireNode("e").status()).isEqualTo(NodeStatus.COMPLETED);
    }

    @Test
    void aFailedExecutionIsRetriedFromTheStoreAfterARestartKeepingWhatCompleted() throws Exception {
        String scenario = """
                {"id": "retryable", "nodes": [
                  {"id": "a", "integrationId": "test", "actionId": "record"},
                  {"id": "b", "integrationId": "core", "actionId": "fail", "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1},
                   "configuration": {"errorType": "network_error", "failTimes": 2}},
                  {"id": "c", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""";
        Platform first = new Platform();
        ExecutionResult failed = first.engine.start(first.compile(scenario), json("{\"v\": 3}")).completion()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        first.engine.close();
        first.store.close();

        Platform second = new Platform();
        assertThat(second.engine.resumeUnfinished()).isEmpty(); // failed is finished: nothing resumes by itself
        ExecutionResult retried = second.engine.retry(failed.id()).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(retried.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(second.test.runs("a")).isZero();
        assertThat(second.test.runs("c")).isEqualTo(1);
        NodeRecord b = retried.requireNode("b");
        // Two attempts failed before the restart (their history came back from the store); attempt 3 passes.
        assertThat(b.attemptHistory()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3);
        assertThat(retried.requireNode("c").output()).isEqualTo(json("{\"v\": 3}"));
        ExecutionResult stored = second.store.find(failed.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(stored.endTime()).isNotNull();
        assertThat(stored.error()).isNull();
    }

    @Test
    void anExecutionRetriedUnderTheLatestVersionResumesUnderItAfterACrash() throws Exception {
        String v1 = """
                {"id": "orders", "version": 1, "nodes": [
                  {"id": "a", "integrationId": "test", "actionId": "record"},
                  {"id": "old", "integrationId": "test", "actionId": "record"},
                  {"id": "b", "integrationId": "core", "actionId": "fail", "retryPolicy": {"maxAttempts": 1},
                   "configuration": {"errorType": "invalid_input"}}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "old"}]}""";
        Platform first = new Platform();
        ExecutionResult failed = first.engine.start(first.compile(v1), json("{\"v\": 3}")).completion()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.requireNode("old").status()).as("never reached").isEqualTo(NodeStatus.PENDING);
        // v2 fixes b (now a gate the test holds), drops "old", adds c after b.
        var v2 = first.injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"id": "orders", "version": 2, "nodes": [
                  {"id": "a", "integrationId": "test", "actionId": "record"},
                  {"id": "b", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "b"}},
                  {"id": "c", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""", "orders");
        var other = first.injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"id": "other", "nodes": [{"id": "a", "integrationId": "test", "actionId": "record"}]}""", "other");
        assertThatThrownBy(() -> first.engine.retry(failed.id(), other))
                .isInstanceOf(ExecutionStateException.class).hasMessageContaining("ran scenario 'orders', not 'other'");
        ExecutionHandle retried = first.engine.retry(failed.id(), v2);
        assertThat(retried.scenarioVersion()).isEqualTo(2);
        assertThat(first.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        // The server stops while b runs under v2 (the gate holds it): the store must say v2, without "old".
        first.engine.drain(Duration.ofMillis(50));
        first.store.close();

        Platform second = new Platform();
        ExecutionResult stored = second.store.find(failed.id()).orElseThrow();
        assertThat(stored.scenarioVersion()).isEqualTo(2);
        assertThat(stored.nodes()).extracting(NodeRecord::nodeId).doesNotContain("old");
        second.test.open("b");
        ExecutionResult result = second.engine.resumeUnfinished().get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.scenarioVersion()).isEqualTo(2);
        assertThat(second.test.runs("a")).as("a completed under v1 and was kept").isZero();
        assertThat(second.test.runs("c")).isEqualTo(1);
    }

    @Test
    void aDrainLetsTheRunningNodeFinishStartsNothingNewAndTheRestResumesOnTheNextStart() throws Exception {
        Platform first = new Platform();
        ExecutionHandle handle = first.engine.start(first.compile(SCENARIO), json("{\"v\": 1}"));
        assertThat(first.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        first.engine.stopStartingNodes().toCompletableFuture().get(10, TimeUnit.SECONDS);
        first.test.open("b"); // b finishes within the grace period
        assertThat(first.engine.drain(Duration.ofSeconds(10))).isZero();
        first.store.close();
        assertThat(first.test.runs("c")).isZero(); // c was ready but did not start during the shutdown
        assertThatThrownBy(() -> first.engine.start(first.compile(SCENARIO), json("{}"))).isInstanceOf(IllegalStateException.class);

        Platform second = new Platform();
        ExecutionResult stored = second.store.find(handle.executionId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(stored.requireNode("b").status()).isEqualTo(NodeStatus.COMPLETED);
        List<ExecutionHandle> resumed = second.engine.resumeUnfinished();
        ExecutionResult result = resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(second.test.runs("b")).isZero();
        assertThat(second.test.runs("c")).isEqualTo(1);
    }

    @Test
    void aDrainWhoseGraceEndsLeavesTheCutNodeToRunAgain() throws Exception {
        Platform first = new Platform();
        ExecutionHandle handle = first.engine.start(first.compile(SCENARIO), json("{\"v\": 1}"));
        assertThat(first.test.startedAt("b").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(first.engine.drain(Duration.ofMillis(100))).isEqualTo(1);
        first.store.close();

        Platform second = new Platform();
        assertThat(second.store.find(handle.executionId()).orElseThrow().requireNode("b").status()).isEqualTo(NodeStatus.RUNNING);
        List<ExecutionHandle> resumed = second.engine.resumeUnfinished();
        second.test.open("b");
        assertThat(resumed.get(0).completion().toCompletableFuture().get(10, TimeUnit.SECONDS).status())
                .isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(second.test.runs("b")).isEqualTo(1);
        first.test.open("b"); // release the cut-off thread of the first platform
    }
}
