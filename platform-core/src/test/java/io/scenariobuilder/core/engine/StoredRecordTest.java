package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the store keeps of an execution is what the engine answered, for each way a node ends (completed, failed
 * under continue, skipped, cancelled while waiting for a retry): after a restart, or in another server of a cluster,
 * the API reads the store. Also what the execution's log says of pause, resume, cancel and a timeout, and what later
 * expressions see of a failed or skipped node.
 */
class StoredRecordTest {

    private final TestEngine t = new TestEngine();

    @AfterEach
    void close() {
        t.close();
    }

    /**
     * Each node, read back once the execution left the engine (from the store, as the API reads it then), equals the
     * node the engine answered: status, attempts, error and output; the nodes that never started included.
     */
    private void assertStoredAsAnswered(ExecutionResult live) {
        await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.activeExecutions() == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ExecutionResult stored = t.engine.snapshot(live.id()).toCompletableFuture().get();
            assertThat(stored.nodes()).extracting(NodeRecord::nodeId).as("one record per node, in the scenario's order")
                    .containsExactlyElementsOf(live.nodes().stream().map(NodeRecord::nodeId).toList());
            assertThat(stored.totalNodes()).isEqualTo(live.totalNodes());
            assertThat(stored.status()).isEqualTo(live.status());
            for (NodeRecord node : live.nodes()) {
                NodeRecord kept = stored.requireNode(node.nodeId());
                assertThat(kept.status()).as(node.nodeId()).isEqualTo(node.status());
                assertThat(kept.attempts()).as(node.nodeId()).isEqualTo(node.attempts());
                assertThat(kept.error() == null ? null : kept.error().type()).as(node.nodeId())
                        .isEqualTo(node.error() == null ? null : node.error().type());
                assertThat(kept.output()).as(node.nodeId()).isEqualTo(node.output());
            }
            assertThat(stored.completedNodes()).isEqualTo(live.completedNodes());
            assertThat(stored.failedNodes()).isEqualTo(live.failedNodes());
        });
    }

    private List<String> logLines(String executionId, LogLevel level) {
        return t.store.logs(executionId).stream().filter(line -> line.level() == level).map(LogEntry::message).toList();
    }

    @Test
    void completedFailedUnderContinueAndSkippedNodesAreStoredAsAnsweredAndSeenByLaterExpressions() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "ok", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": 1}}},
                  {"id": "bad", "integrationId": "core", "actionId": "fail", "onError": "continue",
                   "configuration": {"errorType": "invalid_input", "message": "no such order"}},
                  {"id": "never", "integrationId": "core", "actionId": "noop"},
                  {"id": "report", "integrationId": "core", "actionId": "transform", "configuration": {"expression":
                    "{'bad': nodes.bad.status, 'badType': nodes.bad.error.type, 'never': nodes.never.status, 'n': nodes.ok.output.n}"}}
                ], "connections": [
                  {"fromNodeId": "ok", "toNodeId": "bad"},
                  {"fromNodeId": "ok", "toNodeId": "never", "condition": "false"},
                  {"fromNodeId": "bad", "toNodeId": "report"},
                  {"fromNodeId": "never", "toNodeId": "report"}
                ]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("never").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(result.requireNode("report").output().toString())
                .isEqualTo("{\"bad\":\"failed\",\"badType\":\"invalid_input\",\"never\":\"skipped\",\"n\":1}");
        assertThat(result.context().has("bad")).as("a failed node's output (its error, under continue) is in the context").isTrue();
        assertStoredAsAnswered(result);
        assertThat(logLines(result.id(), LogLevel.WARN)).as("a failure handled under continue is a warning")
                .anySatisfy(line -> assertThat(line).contains("node failed").contains("no such order"));
        assertThat(logLines(result.id(), LogLevel.INFO)).anySatisfy(line -> assertThat(line).startsWith("execution completed"));
    }

    @Test
    void aFailureThatEndsTheExecutionIsAnErrorLineAndTheEndAWarning() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "bad", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "invalid_input", "message": "no such order"}}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertStoredAsAnswered(result);
        assertThat(logLines(result.id(), LogLevel.ERROR)).anySatisfy(line -> assertThat(line).contains("node failed"));
        assertThat(logLines(result.id(), LogLevel.WARN)).anySatisfy(line -> assertThat(line).startsWith("execution failed"));
    }

    @Test
    void cancellingAnExecutionWaitingForARetryStoresTheNodeAsCancelledAndSaysWhoCancelled() throws Exception {
        var handle = t.start("""
                {"nodes": [
                  {"id": "call", "integrationId": "test", "actionId": "throw",
                   "retryPolicy": {"maxAttempts": 5, "baseDelayMs": 60000, "jitter": false}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "call", "toNodeId": "after"}]}""", "{}");
        String id = handle.executionId();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                t.engine.snapshot(id).toCompletableFuture().get().requireNode("call").status() == NodeStatus.WAITING_RETRY);
        assertThat(t.engine.cancel(id).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(ExecutionStatus.CANCELLED);
        ExecutionResult result = TestEngine.await(handle);
        assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(result.requireNode("call").status()).isEqualTo(NodeStatus.CANCELLED);
        assertThat(result.requireNode("call").attempts()).isEqualTo(1);
        assertThat(result.requireNode("after").status()).isEqualTo(NodeStatus.PENDING);
        assertStoredAsAnswered(result);
        assertThat(logLines(id, LogLevel.WARN)).contains("execution cancelled on request");
    }

    @Test
    void pauseAndResumeAreLoggedStoredAndTheScenarioTimeoutRunsAgainAfterTheResume() throws Exception {
        var handle = t.start("""
                {"settings": {"timeoutMs": 300}, "nodes": [
                  {"id": "held", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "held"}},
                  {"id": "slow", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 30000}}
                ], "connections": [{"fromNodeId": "held", "toNodeId": "slow"}]}""", "{}");
        String id = handle.executionId();
        assertThat(t.test.startedAt("held").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.engine.pause(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.PAUSED);
        await().atMost(Duration.ofSeconds(10)).until(() -> t.store.find(id).orElseThrow().status() == ExecutionStatus.PAUSED);
        t.test.open("held");
        assertThat(t.engine.resume(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> t.store.find(id).orElseThrow().status() != ExecutionStatus.PAUSED);

        // The 30 s delay is cut by what is left of the 300 ms once resumed: the timeout was armed again.
        ExecutionResult result = handle.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error().type().id()).isEqualTo("timeout");
        assertStoredAsAnswered(result);
        assertThat(logLines(id, LogLevel.INFO)).contains("execution paused", "execution resumed");
        assertThat(logLines(id, LogLevel.ERROR)).contains("execution exceeded settings.timeoutMs of 300 ms");
    }

    /** A field's default fills only a field left out: a value the scenario gives is kept (log's level defaults to info). */
    @Test
    void aGivenValueIsKeptAndADefaultFillsOnlyWhatIsLeftOut() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "loud", "integrationId": "core", "actionId": "log", "configuration": {"message": "given warn", "level": "warn"}},
                  {"id": "plain", "integrationId": "core", "actionId": "log", "configuration": {"message": "left out"}}
                ], "connections": [{"fromNodeId": "loud", "toNodeId": "plain"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(logLines(result.id(), LogLevel.WARN)).anySatisfy(line -> assertThat(line).endsWith("given warn"));
        assertThat(logLines(result.id(), LogLevel.INFO)).anySatisfy(line -> assertThat(line).endsWith("left out"));
    }
}
