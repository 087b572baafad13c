package io.scenariobuilder.core.engine;

import static io.scenariobuilder.core.testing.TestEngine.await;
import static io.scenariobuilder.core.testing.TestEngine.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutionEngineTest {

    private final TestEngine t = new TestEngine();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void runsALinearPipelineInDependencyOrderPassingOutputsAlong() {
        ExecutionResult result = t.run("""
                {"id": "linear", "nodes": [
                  {"id": "c", "integrationId": "test", "actionId": "record"},
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": 2}}},
                  {"id": "b", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.n * 10"}}
                ], "connections": [
                  {"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "c"}
                ]}""");

        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("c").output().asInt()).isEqualTo(20);
        assertThat(result.completedNodes()).isEqualTo(3);
        assertThat(result.totalNodes()).isEqualTo(3);
        assertThat(result.context().get("a").get("n").asInt()).isEqualTo(2);
        assertThat(result.nodes()).extracting(NodeRecord::nodeId).containsExactly("c", "a", "b");
        NodeRecord a = result.requireNode("a");
        NodeRecord b = result.requireNode("b");
        assertThat(a.endTime()).isBeforeOrEqualTo(b.startTime());
        assertThat(result.endTime()).isNotNull();
        assertThat(result.duration()).isNotNull().isGreaterThanOrEqualTo(0L);
    }

    /**
     * An expression may walk {@code nodes} as a whole: the nodes that started so far, in the scenario's order, the one
     * evaluating included (running); those that have not started are absent.
     */
    @Test
    void anExpressionSeesTheNodesThatRanSoFarAsOneObject() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": 2}}},
                  {"id": "b", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": 3}}},
                  {"id": "sum", "integrationId": "core", "actionId": "transform", "configuration": {"expression":
                    "{'ran': $keys(nodes), 'self': nodes.sum.status, 'total': $sum(nodes.*.output.n), 'hasA': $exists(nodes.a), 'hasLater': $exists(nodes.later)}"}},
                  {"id": "later", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "sum"}, {"fromNodeId": "b", "toNodeId": "sum"},
                  {"fromNodeId": "sum", "toNodeId": "later"}]}""");
        com.fasterxml.jackson.databind.JsonNode seen = result.requireNode("sum").output();
        assertThat(seen.get("ran").toString()).isEqualTo("[\"a\",\"b\",\"sum\"]");
        assertThat(seen.get("self").asText()).isEqualTo("running");
        assertThat(seen.get("total").asInt()).isEqualTo(5);
        assertThat(seen.get("hasA").asBoolean()).isTrue();
        assertThat(seen.get("hasLater").asBoolean()).as("not run yet").isFalse();
    }

    @Test
    void startNodesReceiveTheTriggerData() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""", "{\"orderId\": 7}");
        assertThat(result.requireNode("a").output().get("orderId").asInt()).isEqualTo(7);
    }

    @Test
    void independentBranchesReallyRunAtTheSameTime() throws Exception {
        // Both gate nodes must be running at once for the test to open their gates: proved by latches, not timing.
        var handle = t.start("""
                {"nodes": [
                  {"id": "left", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "left"}},
                  {"id": "right", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "right"}}
                ]}""", "{}");
        assertThat(t.test.startedAt("left").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.test.startedAt("right").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.test.concurrent.get()).isEqualTo(2);
        t.test.open("left");
        t.test.open("right");
        assertThat(await(handle).status()).isEqualTo(ExecutionStatus.COMPLETED);
    }

    @Test
    void maxConcurrentNodesBoundsTheParallelism() {
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            nodes.append(i == 0 ? "" : ",").append("{\"id\": \"s").append(i)
                    .append("\", \"integrationId\": \"test\", \"actionId\": \"sleep\", \"configuration\": {\"ms\": 5}}");
        }
        ExecutionResult result = t.run("{\"settings\": {\"maxConcurrentNodes\": 3}, \"nodes\": [" + nodes + "]}");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(t.test.maxConcurrent.get()).isBetween(1, 3);
    }

    @Test
    void fanInWaitsForEveryTakenInputAndMergesThemByNodeId() throws Exception {
        var handle = t.start("""
                {"nodes": [
                  {"id": "start", "integrationId": "core", "actionId": "set", "configuration": {"values": {"v": 1}}},
                  {"id": "fast", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.v + 1"}},
                  {"id": "slow", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "slow"}},
                  {"id": "join", "integrationId": "core", "actionId": "merge"}
                ], "connections": [
                  {"fromNodeId": "start", "toNodeId": "fast"}, {"fromNodeId": "start", "toNodeId": "slow"},
                  {"fromNodeId": "fast", "toNodeId": "join"}, {"fromNodeId": "slow", "toNodeId": "join"}
                ]}""", "{}");
        assertThat(t.test.startedAt("slow").await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.snapshot(handle.executionId()).toCompletableFuture()
                .get().requireNode("fast").status() == NodeStatus.COMPLETED);
        assertThat(t.engine.snapshot(handle.executionId()).toCompletableFuture().get().requireNode("join").status())
                .isEqualTo(NodeStatus.PENDING);
        t.test.open("slow");
        ExecutionResult result = await(handle);
        assertThat(result.requireNode("join").output()).isEqualTo(json("{\"fast\": 2, \"slow\": {\"v\": 1}}"));
    }

    @Test
    void falseConditionsKillBranchesAndSkippingPropagates() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "order", "integrationId": "core", "actionId": "set", "configuration": {"values": {"total": 50}}},
                  {"id": "big", "integrationId": "core", "actionId": "noop"},
                  {"id": "bigNotify", "integrationId": "test", "actionId": "record"},
                  {"id": "small", "integrationId": "core", "actionId": "noop"},
                  {"id": "join", "integrationId": "core", "actionId": "merge"}
                ], "connections": [
                  {"fromNodeId": "order", "toNodeId": "big", "condition": "nodes.order.output.total > 100"},
                  {"fromNodeId": "order", "toNodeId": "small", "condition": "input.total <= 100"},
                  {"fromNodeId": "big", "toNodeId": "bigNotify"},
                  {"fromNodeId": "bigNotify", "toNodeId": "join"},
                  {"fromNodeId": "small", "toNodeId": "join"}
                ]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("big").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(result.requireNode("bigNotify").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(t.test.runs("bigNotify")).isZero();
        assertThat(result.requireNode("small").status()).isEqualTo(NodeStatus.COMPLETED);
        // merge with one taken predecessor passes that one's output on
        assertThat(result.requireNode("join").output()).isEqualTo(json("{\"total\": 50}"));
        assertThat(result.context().has("big")).isFalse();
    }

    @Test
    void aNodeWithSeveralPredecessorsGetsTheTakenOnesKeyedById() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"x": 1}}},
                  {"id": "b", "integrationId": "core", "actionId": "set", "configuration": {"values": {"y": 2}}},
                  {"id": "c", "integrationId": "core", "actionId": "noop"}
                ], "connections": [
                  {"fromNodeId": "a", "toNodeId": "c"}, {"fromNodeId": "b", "toNodeId": "c", "condition": "false"}
                ]}""");
        assertThat(result.requireNode("c").output()).isEqualTo(json("{\"a\": {\"x\": 1}}"));
    }

    @Test
    void templatesKeepTheTypeOfALoneExpressionAndWriteTextOtherwise() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "src", "integrationId": "core", "actionId": "set",
                   "configuration": {"values": {"count": 3, "tags": ["a", "b"], "ok": true, "name": "Ada"}}},
                  {"id": "out", "integrationId": "core", "actionId": "set", "configuration": {"values": {
                     "count": "{{ input.count }}",
                     "double": "{{ nodes.src.output.count * 2 }}",
                     "half": "{{ input.count / 2 }}",
                     "tags": "{{ input.tags }}",
                     "ok": "{{ input.ok }}",
                     "missing": "{{ input.nothing }}",
                     "nested": {"list": ["{{ input.name }}", "x"]},
                     "text": "Hello {{ input.name }}, you have {{ input.count }} items {{ input.tags }}",
                     "object": "{{ {'n': input.count} }}",
                     "execution": "{{ execution.scenarioId }}",
                     "trigger": "{{ trigger.user }}"
                  }}}
                ], "connections": [{"fromNodeId": "src", "toNodeId": "out"}]}""", "{\"user\": \"u1\"}");
        var out = result.requireNode("out").output();
        assertThat(out.get("count").isInt()).isTrue();
        assertThat(out.get("count").asInt()).isEqualTo(3);
        assertThat(out.get("double").asInt()).isEqualTo(6);
        assertThat(out.get("half").isDouble()).isTrue();
        assertThat(out.get("half").asDouble()).isEqualTo(1.5);
        assertThat(out.get("tags")).isEqualTo(json("[\"a\", \"b\"]"));
        assertThat(out.get("ok").isBoolean()).isTrue();
        assertThat(out.get("missing").isNull()).isTrue();
        assertThat(out.get("nested")).isEqualTo(json("{\"list\": [\"Ada\", \"x\"]}"));
        assertThat(out.get("text").asText()).isEqualTo("Hello Ada, you have 3 items [\"a\",\"b\"]");
        assertThat(out.get("object")).isEqualTo(json("{\"n\": 3}"));
        assertThat(out.get("execution").asText()).isEqualTo("test");
        assertThat(out.get("trigger").asText()).isEqualTo("u1");
    }

    @Test
    void aNodeTimeoutInterruptsTheBlockingAction() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "slow", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 60000},
                            "timeoutMs": 50, "retryPolicy": {"maxAttempts": 1}}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        NodeRecord slow = result.requireNode("slow");
        assertThat(slow.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(slow.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(slow.error().message()).contains("timeoutMs of 50");
        assertThat(result.error().nodeId()).isEqualTo("slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> t.test.interrupted.contains("slow"));
    }

    @Test
    void aTimedOutNodeIsRetriedUnderItsPolicy() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "slow", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 60000},
                            "timeoutMs": 20, "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""");
        assertThat(result.requireNode("slow").attempts()).isEqualTo(2);
        assertThat(result.requireNode("slow").error().attempt()).isEqualTo(2);
        assertThat(t.test.runs("slow")).isEqualTo(2);
    }

    @Test
    void theScenarioTimeoutFailsTheExecutionAndCancelsRunningNodes() {
        ExecutionResult result = t.run("""
                {"settings": {"timeoutMs": 50}, "nodes": [
                  {"id": "slow", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 60000}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "slow", "toNodeId": "after"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(result.requireNode("slow").status()).isEqualTo(NodeStatus.CANCELLED);
        assertThat(result.requireNode("after").status()).isEqualTo(NodeStatus.PENDING);
        await().atMost(Duration.ofSeconds(10)).until(() -> t.test.interrupted.contains("slow"));
    }

    @Test
    void cancelInterruptsTheRunningNodeAndStartsNothingElse() throws Exception {
        var handle = t.start("""
                {"nodes": [
                  {"id": "wait", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "never"}},
                  {"id": "next", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "wait", "toNodeId": "next"}]}""", "{}");
        assertThat(t.test.startedAt("never").await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(t.engine.cancel(handle.executionId()).toCompletableFuture().get()).isEqualTo(ExecutionStatus.CANCELLED);

        ExecutionResult result = await(handle);
        assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(result.requireNode("wait").status()).isEqualTo(NodeStatus.CANCELLED);
        assertThat(result.requireNode("next").status()).isEqualTo(NodeStatus.PENDING);
        assertThat(t.test.runs("next")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.test.interrupted.contains("wait"));
        assertThat(t.store.find(handle.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.CANCELLED);
    }

    @Test
    void pauseLetsRunningNodesFinishStartsNothingNewAndResumeCompletesWithoutRerunning() throws Exception {
        var handle = t.start("""
                {"nodes": [
                  {"id": "first", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "first"}},
                  {"id": "second", "integrationId": "test", "actionId": "record"},
                  {"id": "third", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "first", "toNodeId": "second"}, {"fromNodeId": "second", "toNodeId": "third"}]}""", "{}");
        String id = handle.executionId();
        assertThat(t.test.startedAt("first").await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(t.engine.pause(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.PAUSED);
        t.test.open("first");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                t.engine.snapshot(id).toCompletableFuture().get().requireNode("first").status() == NodeStatus.COMPLETED);
        ExecutionResult paused = t.engine.snapshot(id).toCompletableFuture().get();
        assertThat(paused.status()).isEqualTo(ExecutionStatus.PAUSED);
        assertThat(paused.requireNode("second").status()).isEqualTo(NodeStatus.PENDING);
        assertThat(t.test.runs("second")).isZero();
        assertThat(t.store.find(id).orElseThrow().status()).isEqualTo(ExecutionStatus.PAUSED);
        assertThat(handle.completion().toCompletableFuture().isDone()).isFalse();

        assertThat(t.engine.resume(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.RUNNING);
        ExecutionResult result = await(handle);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(t.test.runs("first")).isEqualTo(1);
        assertThat(t.test.runs("second")).isEqualTo(1);
        assertThat(t.test.runs("third")).isEqualTo(1);
    }

    @Test
    void theScenarioTimeoutCountsRunningTimeNotTimeSpentPaused() throws Exception {
        var handle = t.start("""
                {"settings": {"timeoutMs": 400}, "nodes": [
                  {"id": "first", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "held"}},
                  {"id": "second", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "first", "toNodeId": "second"}]}""", "{}");
        String id = handle.executionId();
        assertThat(t.test.startedAt("held").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.engine.pause(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.PAUSED);
        t.test.open("held");
        // Paused for twice the timeout: it does not fail.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() ->
                t.engine.snapshot(id).toCompletableFuture().get().status() == ExecutionStatus.PAUSED);
        assertThat(t.engine.resume(id).toCompletableFuture().get()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(await(handle).status()).isEqualTo(ExecutionStatus.COMPLETED);
    }

    @Test
    void pauseResumeAndCancelAreRefusedWhenTheStateDoesNotAllowThem() throws Exception {
        var handle = t.start("""
                {"nodes": [{"id": "g", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "g"}},
                           {"id": "n", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "g", "toNodeId": "n"}]}""", "{}");
        String id = handle.executionId();
        assertThatThrownBy(() -> t.engine.resume(id).toCompletableFuture().get())
                .hasCauseInstanceOf(ExecutionStateException.class).hasMessageContaining("only a paused execution");
        t.engine.pause(id).toCompletableFuture().get();
        assertThatThrownBy(() -> t.engine.pause(id).toCompletableFuture().get())
                .hasCauseInstanceOf(ExecutionStateException.class);
        t.test.open("g");
        t.engine.resume(id).toCompletableFuture().get();
        await(handle);
        assertThatThrownBy(() -> t.engine.cancel(id).toCompletableFuture().get())
                .hasCauseInstanceOf(ExecutionStateException.class).hasMessageContaining("completed");
        assertThatThrownBy(() -> t.engine.pause("nope").toCompletableFuture().get())
                .hasCauseInstanceOf(UnknownExecutionException.class);
        assertThatThrownBy(() -> t.engine.snapshot("nope").toCompletableFuture().get())
                .hasCauseInstanceOf(UnknownExecutionException.class);
        assertThat(t.engine.snapshot(id).toCompletableFuture().get().status()).isEqualTo(ExecutionStatus.COMPLETED);
    }

    @Test
    void anExecutionPausedDuringItsLastNodeCompletesWhenThatNodeDoes() throws Exception {
        var handle = t.start("""
                {"nodes": [{"id": "last", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "last"}}]}""", "{}");
        assertThat(t.test.startedAt("last").await(10, TimeUnit.SECONDS)).isTrue();
        t.engine.pause(handle.executionId()).toCompletableFuture().get();
        t.test.open("last");
        assertThat(await(handle).status()).isEqualTo(ExecutionStatus.COMPLETED);
    }

    @Test
    void aPausedExecutionCanBeCancelled() throws Exception {
        var handle = t.start("""
                {"nodes": [{"id": "g", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "pc"}},
                           {"id": "n", "integrationId": "test", "actionId": "record"}],
                 "connections": [{"fromNodeId": "g", "toNodeId": "n"}]}""", "{}");
        assertThat(t.test.startedAt("pc").await(10, TimeUnit.SECONDS)).isTrue();
        t.engine.pause(handle.executionId()).toCompletableFuture().get();
        t.test.open("pc");
        await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.snapshot(handle.executionId()).toCompletableFuture()
                .get().requireNode("g").status() == NodeStatus.COMPLETED);
        t.engine.cancel(handle.executionId()).toCompletableFuture().get();
        ExecutionResult result = await(handle);
        assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(t.test.runs("n")).isZero();
    }

    @Test
    void aFailingNodeUnderFailFailsTheExecutionAndStartsNothingNew() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "boom", "integrationId": "core", "actionId": "fail", "configuration": {"errorType": "invalid_input", "message": "bad order"}},
                  {"id": "after", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "boom", "toNodeId": "after"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo(new ExecutionError(ErrorType.INVALID_INPUT, "bad order", "boom"));
        NodeRecord boom = result.requireNode("boom");
        assertThat(boom.attempts()).isEqualTo(1); // not retryable: run once
        assertThat(boom.error().retryable()).isFalse();
        assertThat(result.failedNodes()).isEqualTo(1);
        assertThat(t.test.runs("after")).isZero();
    }

    @Test
    void continueRecordsTheErrorAsOutputAndLetsTheNextNodesRun() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "boom", "integrationId": "core", "actionId": "fail", "onError": "continue",
                   "configuration": {"errorType": "resource_not_found", "message": "no such customer"}},
                  {"id": "after", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.error.type"}}
                ], "connections": [{"fromNodeId": "boom", "toNodeId": "after"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("boom").status()).isEqualTo(NodeStatus.FAILED);
        assertThat(result.requireNode("boom").output().get("error").get("message").asText()).isEqualTo("no such customer");
        assertThat(result.requireNode("after").output().asText()).isEqualTo("resource_not_found");
        assertThat(result.failedNodes()).isEqualTo(1);
    }

    @Test
    void routeFollowsOnlyErrorConnectionsCarryingTheError() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "boom", "integrationId": "core", "actionId": "fail", "onError": "route",
                   "configuration": {"errorType": "authentication_failed", "message": "key revoked"}},
                  {"id": "normal", "integrationId": "test", "actionId": "record"},
                  {"id": "alert", "integrationId": "core", "actionId": "noop"}
                ], "connections": [
                  {"fromNodeId": "boom", "toNodeId": "normal"},
                  {"fromNodeId": "boom", "toNodeId": "alert", "on": "error"}
                ]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("normal").status()).isEqualTo(NodeStatus.SKIPPED);
        // The same shape as a continue node's output: {"error": {...}}, so one handler serves both.
        assertThat(result.requireNode("alert").output().at("/error/type").asText()).isEqualTo("authentication_failed");
        assertThat(result.requireNode("alert").output().at("/error/message").asText()).isEqualTo("key revoked");
    }

    @Test
    void breakParksTheExecutionAsIncomplete() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "ok", "integrationId": "core", "actionId": "noop"},
                  {"id": "boom", "integrationId": "core", "actionId": "fail", "onError": "break",
                   "configuration": {"errorType": "invalid_input"}},
                  {"id": "after", "integrationId": "core", "actionId": "noop"}
                ], "connections": [{"fromNodeId": "ok", "toNodeId": "boom"}, {"fromNodeId": "boom", "toNodeId": "after"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.INCOMPLETE);
        assertThat(result.requireNode("ok").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(result.requireNode("after").status()).isEqualTo(NodeStatus.PENDING);
        assertThat(result.error().nodeId()).isEqualTo("boom");
    }

    @Test
    void retryableFailuresAreRetriedUntilTheySucceed() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "flaky", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "network_error", "failTimes": 2},
                  "retryPolicy": {"maxAttempts": 3, "baseDelayMs": 1, "maxDelayMs": 5}}]}""", "{\"v\": 1}");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        NodeRecord flaky = result.requireNode("flaky");
        assertThat(flaky.attempts()).isEqualTo(3);
        assertThat(flaky.output()).isEqualTo(json("{\"v\": 1}"));
        assertThat(flaky.error()).isNull();
        assertThat(flaky.attemptHistory()).hasSize(3);
        assertThat(flaky.attemptHistory().get(2).error()).isNull();
        assertThat(flaky.attemptHistory().get(0).error().type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(t.store.logs(result.id())).anySatisfy(line -> assertThat(line.message()).contains("attempt 1/3 failed"));
    }

    @Test
    void retriesStopAtMaxAttempts() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "down", "integrationId": "test", "actionId": "throw",
                  "retryPolicy": {"maxAttempts": 3, "baseDelayMs": 1, "jitter": false}}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        NodeRecord down = result.requireNode("down");
        assertThat(down.attempts()).isEqualTo(3);
        assertThat(down.error().type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(down.error().attempt()).isEqualTo(3);
        assertThat(down.error().maxAttempts()).isEqualTo(3);
        assertThat(t.test.runs("down")).isEqualTo(3);
        // Every attempt is recorded with its error and the wait that followed it.
        assertThat(down.attemptHistory()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3);
        assertThat(down.attemptHistory()).allSatisfy(a -> {
            assertThat(a.error().type()).isEqualTo(ErrorType.NETWORK_ERROR);
            assertThat(a.startTime()).isBeforeOrEqualTo(a.endTime());
        });
        assertThat(down.attemptHistory()).extracting(AttemptRecord::retryDelayMs).containsExactly(1L, 2L, null);
        assertThat(down.attemptHistory().get(1).error().attempt()).isEqualTo(2);
    }

    @Test
    void theIdempotencyKeyStaysTheSameAcrossAttempts() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "down", "integrationId": "test", "actionId": "throw",
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1}}]}""");
        assertThat(t.test.idempotencyKeys.get(result.id() + "/down/1"))
                .isNotBlank()
                .isEqualTo(t.test.idempotencyKeys.get(result.id() + "/down/2"));
    }

    @Test
    void asyncActionsCompleteLaterAndAreRetriedOnRateLimits() {
        ExecutionResult ok = t.run("""
                {"nodes": [{"id": "a", "integrationId": "test", "actionId": "async"}]}""", "{\"x\": 1}");
        assertThat(ok.requireNode("a").output()).isEqualTo(json("{\"async\": {\"x\": 1}}"));

        ExecutionResult limited = t.run("""
                {"nodes": [{"id": "a", "integrationId": "test", "actionId": "async",
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""", "{\"boom\": true}");
        assertThat(limited.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(limited.requireNode("a").attempts()).isEqualTo(2);
        assertThat(limited.requireNode("a").error().type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(limited.requireNode("a").error().retryAfterMs()).isEqualTo(5L);
    }

    @Test
    void aConditionThatFailsAtRunTimeFailsItsTargetWithAnExpressionError() {
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"s": "text"}}},
                  {"id": "b", "integrationId": "test", "actionId": "record"}
                ], "connections": [{"fromNodeId": "a", "toNodeId": "b", "condition": "$number(input.s) > 1"}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        NodeRecord b = result.requireNode("b");
        assertThat(b.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(b.error().type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        assertThat(b.error().message()).contains("condition of connection a -> b");
        assertThat(t.test.runs("b")).isZero();
    }

    @Test
    void aTemplateThatFailsAtRunTimeFailsItsNodeWithoutRetry() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "set",
                  "configuration": {"values": {"x": "{{ $number('abc') }}"}}}]}""");
        NodeRecord a = result.requireNode("a");
        assertThat(a.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(a.error().type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        assertThat(a.attempts()).isEqualTo(1);
    }

    @Test
    void aResolvedConfigurationIsValidatedBeforeTheNodeRuns() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "d", "integrationId": "core", "actionId": "delay", "configuration": {"ms": "{{ -5 }}"}}]}""");
        NodeRecord d = result.requireNode("d");
        assertThat(d.error().type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(d.error().message()).contains("ms").contains("at least 0");
    }

    @Test
    void theExecutionLogHoldsLinesOfLogNodesAndTheEngine() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "say", "integrationId": "core", "actionId": "log",
                  "configuration": {"message": "hello {{ trigger.name }}", "level": "warn"}}]}""", "{\"name\": \"Ada\"}");
        List<LogEntry> logs = t.store.logs(result.id());
        assertThat(logs).anySatisfy(line -> {
            assertThat(line.message()).isEqualTo("hello Ada");
            assertThat(line.level().id()).isEqualTo("warn");
            assertThat(line.nodeId()).isEqualTo("say");
            assertThat(line.category()).isEqualTo("integration");
            assertThat(line.executionId()).isEqualTo(result.id());
        });
        assertThat(logs).anySatisfy(line -> assertThat(line.message()).startsWith("execution completed"));
    }

    @Test
    void aThousandConcurrentExecutionsOfOneScenarioAllCompleteWithTheirOwnOutputs() throws Exception {
        var scenario = t.scenario("""
                {"id": "many", "nodes": [
                  {"id": "in", "integrationId": "core", "actionId": "noop"},
                  {"id": "left", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "input.n * 2"}},
                  {"id": "right", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 1}},
                  {"id": "join", "integrationId": "core", "actionId": "set",
                   "configuration": {"values": {"n": "{{ nodes.in.output.n }}", "double": "{{ input.left }}", "echo": "{{ input.right.n }}"}}}
                ], "connections": [
                  {"fromNodeId": "in", "toNodeId": "left"}, {"fromNodeId": "in", "toNodeId": "right"},
                  {"fromNodeId": "left", "toNodeId": "join"}, {"fromNodeId": "right", "toNodeId": "join"}
                ]}""");
        List<CompletableFuture<ExecutionResult>> results = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            results.add(t.engine.executeScenario(scenario, json("{\"n\": " + i + "}")).toCompletableFuture());
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 1_000; i++) {
            ExecutionResult result = results.get(i).get();
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.requireNode("join").output()).isEqualTo(
                    json("{\"n\": " + i + ", \"double\": " + (2 * i) + ", \"echo\": " + i + "}"));
        }
        assertThat(results.stream().map(f -> f.join().id()).distinct()).hasSize(1_000);
        assertThat(t.engine.activeExecutions()).isZero();
    }

    @Test
    void withATinyOutputMemoryBudgetExecutionsTakeTurnsAndAllComplete() throws Exception {
        try (TestEngine tight = new TestEngine(new EngineSettings(2, 1_000, 1L, 1))) {
            var scenario = tight.scenario("""
                    {"nodes": [
                      {"id": "make", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "[1..10000]"}},
                      {"id": "slow", "integrationId": "test", "actionId": "sleep", "configuration": {"ms": 2}},
                      {"id": "sum", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "$sum(input)"}}
                    ], "connections": [{"fromNodeId": "make", "toNodeId": "slow"}, {"fromNodeId": "slow", "toNodeId": "sum"}]}""");
            List<CompletableFuture<ExecutionResult>> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                results.add(tight.engine.executeScenario(scenario, json("{}")).toCompletableFuture());
            }
            for (CompletableFuture<ExecutionResult> result : results) {
                // Each list is over the 64 KiB the engine counts at once: an execution that ended must give it back, or
                // the others would wait for ever.
                assertThat(result.get(30, TimeUnit.SECONDS).requireNode("sum").output().asLong()).isEqualTo(50_005_000L);
            }
            assertThat(tight.engine.activeExecutions()).isZero();
        }
    }

    @Test
    void executeScenarioReturnsBeforeTheExecutionFinishes() throws Exception {
        var stage = t.engine.executeScenario(t.scenario("""
                {"nodes": [{"id": "g", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "caller"}}]}"""), json("{}"));
        assertThat(stage.toCompletableFuture().isDone()).isFalse();
        assertThat(t.engine.activeExecutions()).as("what admission control counts").isEqualTo(1);
        t.test.open("caller");
        assertThat(stage.toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.COMPLETED);
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> t.engine.activeExecutions() == 0);
    }

    @Test
    void anInvalidScenarioIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> t.engine.start(t.scenario("""
                {"nodes": [{"id": "x", "integrationId": "nope", "actionId": "noop"}]}"""), json("{}")))
                .isInstanceOf(io.scenariobuilder.core.scenario.InvalidScenarioException.class)
                .hasMessageContaining("unknown integration 'nope'");
    }

    @Test
    void aStartedEngineRefusesWorkAfterClose() {
        t.close();
        assertThatThrownBy(() -> t.start("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""", "{}"))
                .isInstanceOf(IllegalStateException.class).hasMessage("the engine is shut down");
        assertThatThrownBy(() -> t.engine.retry("e1", null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the engine is shut down");
    }

    @Test
    void delayWaitsAndPassesItsInputOn() throws ExecutionException, InterruptedException {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "d", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 5}}]}""", "{\"k\": 1}");
        assertThat(result.requireNode("d").output()).isEqualTo(json("{\"k\": 1}"));
    }
}
