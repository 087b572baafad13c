package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.ExecutionSummary;
import io.scenariobuilder.core.store.InMemoryExecutionStore;
import io.scenariobuilder.core.store.ResumableExecution;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The store commits writes in order. An inline action's result is written but not waited for; an action that reaches
 * outside the process starts only once every write before it is stored (its own start record waits for them).
 */
class WriteOrderTest {

    private static final String SCENARIO = """
            {"id": "order", "nodes": [
              {"id": "a", "integrationId": "test", "actionId": "record"},
              {"id": "b", "integrationId": "test", "actionId": "record"},
              {"id": "c", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 0}}
            ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}]}""";

    @Test
    void inlineResultsAreNotWaitedForButAnOutsideActionWaitsForEveryEarlierWrite() {
        GatedStore store = new GatedStore();
        try (TestEngine platform = new TestEngine(Modules.override(new EngineModule(new EngineSettings(2, 100, 1L)))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)))) {
            var handle = platform.start(SCENARIO, "{}");

            // a's result is held back in the store: b (inline) still runs, c (outside) does not start.
            await().atMost(Duration.ofSeconds(10)).until(() -> platform.test.runs("b") == 1);
            assertThat(platform.test.runs("c")).as("c started before a's result was stored").isZero();
            assertThat(handle.completion().toCompletableFuture()).isNotDone();

            store.release();
            ExecutionResult result = TestEngine.await(handle);
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(platform.test.runs("c")).isEqualTo(1);
            // Everything is stored by the time the end is reported: the end is the last write.
            assertThat(store.find(handle.executionId()).orElseThrow().nodes()).allSatisfy(
                    node -> assertThat(node.status()).isEqualTo(NodeStatus.COMPLETED));
        }
    }

    /** An in-order store (like the JDBC one) that holds back node a's result until released. */
    private static final class GatedStore implements ExecutionStore {
        private final InMemoryExecutionStore delegate = new InMemoryExecutionStore(100);
        private final CompletableFuture<Void> gate = new CompletableFuture<>();
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        void release() {
            gate.complete(null);
        }

        /** Each write is applied after the one before it, as the store's single writer does. */
        private synchronized CompletionStage<Void> inOrder(boolean held, Supplier<CompletionStage<Void>> write) {
            CompletableFuture<Void> after = held ? tail.thenCompose(ignored -> gate) : tail;
            tail = after.thenCompose(ignored -> write.get());
            return tail;
        }

        @Override
        public CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion,
                ScenarioSnapshot scenario, JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace) {
            return inOrder(false, () -> delegate.executionCreated(executionId, scenarioId, scenarioVersion, scenario, trigger,
                    status, startTime, trace));
        }

        @Override
        public CompletionStage<Void> executionScenarioChanged(String executionId, int scenarioVersion,
                io.scenariobuilder.core.scenario.ScenarioSnapshot scenario, java.util.Set<String> droppedNodes) {
            return delegate.executionScenarioChanged(executionId, scenarioVersion, scenario, droppedNodes);
        }

        @Override
        public CompletionStage<Void> executionUpdated(String executionId, ExecutionStatus status, Instant endTime,
                ExecutionError error) {
            return inOrder(false, () -> delegate.executionUpdated(executionId, status, endTime, error));
        }

        @Override
        public CompletionStage<Void> nodeUpdated(String executionId, NodeRecord record) {
            boolean held = record.nodeId().equals("a") && record.status() == NodeStatus.COMPLETED;
            return inOrder(held, () -> delegate.nodeUpdated(executionId, record));
        }

        @Override
        public CompletionStage<Void> logAppended(LogEntry entry) {
            return inOrder(false, () -> delegate.logAppended(entry));
        }

        @Override
        public Optional<ExecutionResult> find(String executionId) {
            return delegate.find(executionId);
        }

        @Override
        public ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit) {
            return delegate.list(scenarioId, status, cursor, limit);
        }

        @Override
        public List<LogEntry> logs(String executionId) {
            return delegate.logs(executionId);
        }

        @Override
        public Optional<ResumableExecution> load(String executionId) {
            return delegate.load(executionId);
        }

        @Override
        public List<ResumableExecution> unfinished() {
            return delegate.unfinished();
        }

        @Override
        public CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario) {
            return delegate.prune(finishedBefore, keepPerScenario);
        }
    }
}
