package io.scenariobuilder.core.engine;

import static io.scenariobuilder.core.testing.TestEngine.await;
import static io.scenariobuilder.core.testing.TestEngine.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.util.Modules;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.api.integration.RetryPolicy;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.error.CircuitBreakerSettings;
import io.scenariobuilder.core.error.CircuitBreakers;
import io.scenariobuilder.core.retry.Backoff;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.testing.MutableClock;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, circuit breakers, error routes, retry from the failed node, and error scenarios, end to end. */
class ErrorHandlingTest {

    private static final String FAILING = """
            {"id": "flaky-api", "nodes": [{"id": "call", "integrationId": "test", "actionId": "throw",
              "retryPolicy": {"maxAttempts": 1}}]}""";
    private static final String PROBE = """
            {"id": "probe", "nodes": [{"id": "probe", "integrationId": "test", "actionId": "record",
              "retryPolicy": {"maxAttempts": %d, "baseDelayMs": 1, "jitter": false}}]}""";

    private final Map<String, Scenario> saved = new ConcurrentHashMap<>();
    private TestEngine t;

    private TestEngine engine(Clock clock, CircuitBreakerSettings breakers) {
        EngineModule module = new EngineModule(new EngineSettings(2, 10_000, 42L),
                io.scenariobuilder.core.plugin.PluginSettings.temporary(), clock).withCircuitBreakers(breakers);
        t = new TestEngine(Modules.override(module).with(binder ->
                binder.bind(ScenarioSource.class).toInstance(id -> Optional.ofNullable(saved.get(id)))));
        return t;
    }

    private TestEngine engine() {
        return engine(Clock.systemUTC(), CircuitBreakerSettings.defaults());
    }

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void theRecordedDelaysAreTheSeededBackoffSequence() {
        engine();
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "down", "integrationId": "test", "actionId": "throw",
                  "retryPolicy": {"maxAttempts": 4, "baseDelayMs": 8, "backoffMultiplier": 3, "maxDelayMs": 50, "jitter": true}}]}""");
        RetryPolicy policy = new RetryPolicy(4, 8, 3, 50, true);
        Random seeded = new Random(42); // the engine's jitter seed
        List<Long> expected = List.of(Backoff.delayMs(policy, 1, null, seeded), Backoff.delayMs(policy, 2, null, seeded),
                Backoff.delayMs(policy, 3, null, seeded));
        NodeRecord down = result.requireNode("down");
        assertThat(down.attemptHistory()).extracting(AttemptRecord::retryDelayMs)
                .containsExactly(expected.get(0), expected.get(1), expected.get(2), null);
        assertThat(expected.get(2)).isBetween(25L, 50L); // 8 * 3^2 = 72, capped at 50, jittered
        assertThat(t.test.runs("down")).isEqualTo(4);
        // Each retry started no sooner than its delay after the failed attempt.
        for (int i = 1; i < 4; i++) {
            AttemptRecord before = down.attemptHistory().get(i - 1);
            assertThat(Duration.between(before.endTime(), down.attemptHistory().get(i).startTime()).toMillis())
                    .isGreaterThanOrEqualTo(before.retryDelayMs() - 1);
        }
    }

    @Test
    void aNotRetryableErrorRunsOnceWhateverThePolicy() {
        engine();
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "auth", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "authentication_failed", "message": "key revoked"},
                  "retryPolicy": {"maxAttempts": 5, "baseDelayMs": 1}}]}""");
        NodeRecord auth = result.requireNode("auth");
        assertThat(auth.attempts()).isEqualTo(1);
        assertThat(auth.attemptHistory()).hasSize(1);
        assertThat(auth.error().retryable()).isFalse();
        assertThat(auth.error().maxAttempts()).isEqualTo(5);
        // Refused credentials need a person: the log says so at level critical.
        assertThat(t.store.logs(result.id())).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.CRITICAL);
            assertThat(line.message()).contains("authentication_failed: key revoked");
        });
    }

    @Test
    void aNodeIsRetriedToTheEndOfItsPolicyBeforeItsErrorRouteFires() {
        engine();
        ExecutionResult result = t.run("""
                {"nodes": [
                  {"id": "flaky", "integrationId": "core", "actionId": "fail", "onError": "route",
                   "configuration": {"errorType": "network_error", "message": "down", "failTimes": 10},
                   "retryPolicy": {"maxAttempts": 3, "baseDelayMs": 1, "jitter": false}},
                  {"id": "alert", "integrationId": "test", "actionId": "record"},
                  {"id": "next", "integrationId": "test", "actionId": "record"}
                ], "connections": [
                  {"fromNodeId": "flaky", "toNodeId": "alert", "on": "error"},
                  {"fromNodeId": "flaky", "toNodeId": "next"}
                ]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("flaky").attempts()).isEqualTo(3);
        assertThat(result.requireNode("alert").output().at("/error/attempt").asInt()).isEqualTo(3);
        assertThat(result.requireNode("alert").output().at("/error/type").asText()).isEqualTo("network_error");
        assertThat(result.requireNode("next").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(t.test.order).containsExactly("alert");
    }

    @Test
    void aRateLimitWithRetryAfterWaitsThatLong() {
        engine();
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "limited", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "rate_limited", "retryAfterMs": 120, "failTimes": 1},
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        AttemptRecord first = result.requireNode("limited").attemptHistory().get(0);
        assertThat(first.retryDelayMs()).isEqualTo(120);
        assertThat(first.error().retryAfterMs()).isEqualTo(120);
        assertThat(Duration.between(first.endTime(), result.requireNode("limited").attemptHistory().get(1).startTime()).toMillis())
                .isGreaterThanOrEqualTo(119);
    }

    // ------------------------------------------------------------------ circuit breakers

    @Test
    void theBreakerOpensAfterFailuresRejectsWithoutCallingAndClosesAfterAGoodProbe() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        engine(clock, new CircuitBreakerSettings(true, 50, 4, 4, Duration.ofSeconds(30), 1));
        String lastFailure = null;
        for (int i = 0; i < 4; i++) {
            ExecutionResult failed = t.run(FAILING);
            assertThat(failed.requireNode("call").error().type()).isEqualTo(ErrorType.NETWORK_ERROR);
            lastFailure = failed.id();
        }
        assertThat(t.test.runs("call")).isEqualTo(4);
        assertThat(t.store.logs(lastFailure)).anySatisfy(line -> {
            assertThat(line.category()).isEqualTo("integration");
            assertThat(line.message()).contains("circuit breaker test/- is now open after network_error");
        });

        ExecutionResult rejected = t.run(PROBE.formatted(1));
        NodeRecord probe = rejected.requireNode("probe");
        assertThat(probe.error().type()).isEqualTo(ErrorType.CIRCUIT_OPEN);
        assertThat(probe.error().retryable()).isTrue();
        assertThat(probe.error().retryAfterMs()).isEqualTo(30_000);
        assertThat(probe.error().message()).contains("integration 'test'", "is open", "100%");
        assertThat(t.test.runs("probe")).isZero(); // short-circuited: the action never ran

        clock.advance(Duration.ofSeconds(31));
        ExecutionResult probed = t.run(PROBE.formatted(1));
        assertThat(probed.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(t.test.runs("probe")).isEqualTo(1);
        assertThat(t.injector.getInstance(CircuitBreakers.class).state("test", null)).contains(CircuitBreakers.State.CLOSED);
        assertThat(t.store.logs(probed.id())).anySatisfy(line ->
                assertThat(line.message()).contains("circuit breaker test/- is now closed"));
        assertThat(t.injector.getInstance(com.codahale.metrics.MetricRegistry.class)
                .counter("sb.circuit_breaker.transitions{integration=test,connection=-}").getCount()).isEqualTo(3);
    }

    @Test
    void aCallRejectedByAnOpenBreakerIsRetriedAfterTheBreakersWait() {
        engine(Clock.systemUTC(), new CircuitBreakerSettings(true, 50, 2, 2, Duration.ofMillis(300), 1));
        t.run(FAILING);
        t.run(FAILING);
        ExecutionResult result = t.run(PROBE.formatted(3));
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        NodeRecord probe = result.requireNode("probe");
        assertThat(probe.attempts()).isEqualTo(2);
        AttemptRecord rejected = probe.attemptHistory().get(0);
        assertThat(rejected.error().type()).isEqualTo(ErrorType.CIRCUIT_OPEN);
        // Scheduled after what was left of the breaker's wait, not after the policy's 1 ms.
        assertThat(rejected.retryDelayMs()).isBetween(20L, 300L);
        assertThat(Duration.between(rejected.endTime(), probe.attemptHistory().get(1).startTime()).toMillis())
                .isGreaterThanOrEqualTo(rejected.retryDelayMs() - 1);
        assertThat(t.test.runs("probe")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ retry from the failed node

    private static final String PIPELINE = """
            {"id": "pipeline", "nodes": [
              {"id": "a", "integrationId": "test", "actionId": "record"},
              {"id": "side", "integrationId": "test", "actionId": "record"},
              {"id": "b", "integrationId": "core", "actionId": "fail", "onError": "%s",
               "configuration": {"errorType": "generic_error", "message": "flaky", "failTimes": 1},
               "retryPolicy": {"maxAttempts": 1}},
              {"id": "c", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{'got': input.v}"}}
            ], "connections": [
              {"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "a", "toNodeId": "side"}, {"fromNodeId": "b", "toNodeId": "c"}
            ]}""";

    @Test
    void retryRunsAFailedExecutionOnFromItsFailedNodeKeepingCompletedOutputs() {
        engine();
        ExecutionResult failed = t.run(PIPELINE.formatted("fail"), "{\"v\": 7}");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.requireNode("c").status()).isEqualTo(NodeStatus.PENDING);

        ExecutionHandle handle = t.engine.retry(failed.id());
        assertThat(handle.executionId()).isEqualTo(failed.id());
        ExecutionResult retried = await(handle);

        assertThat(retried.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(retried.error()).isNull();
        assertThat(t.test.runs("a")).isEqualTo(1);
        assertThat(t.test.runs("side")).isEqualTo(1);
        NodeRecord b = retried.requireNode("b");
        assertThat(b.status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(b.attempts()).isEqualTo(2); // attempt numbers go on: failTimes 1 lets attempt 2 through
        assertThat(b.attemptHistory()).extracting(AttemptRecord::attempt).containsExactly(1, 2);
        assertThat(b.attemptHistory().get(0).error().type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(retried.requireNode("c").output()).isEqualTo(json("{\"got\": 7}"));
        assertThat(retried.requireNode("a").output()).isEqualTo(failed.requireNode("a").output());
        // The store agrees, and the log tells what happened.
        ExecutionResult stored = t.store.find(failed.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(stored.requireNode("c").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(t.store.logs(failed.id())).anySatisfy(line -> assertThat(line.message()).contains("execution retried"));
    }

    /** A retry the next day gets the scenario's whole timeout again: it counts from the retry, not the first start. */
    @Test
    void aRetryLongAfterTheFirstStartHasTheWholeScenarioTimeout() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        engine(clock, CircuitBreakerSettings.defaults());
        ExecutionResult failed = t.run("""
                {"settings": {"timeoutMs": 5000}, "nodes": [
                  {"id": "b", "integrationId": "core", "actionId": "fail", "retryPolicy": {"maxAttempts": 1},
                   "configuration": {"errorType": "generic_error", "message": "flaky", "failTimes": 1}},
                  {"id": "c", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 200}}
                ], "connections": [{"fromNodeId": "b", "toNodeId": "c"}]}""");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        clock.advance(Duration.ofDays(1));
        ExecutionResult retried = await(t.engine.retry(failed.id()));
        assertThat(retried.status()).as(String.valueOf(retried.error())).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(retried.requireNode("c").status()).isEqualTo(NodeStatus.COMPLETED);
    }

    @Test
    void retryRunsTheBrokenNodeOfAnIncompleteExecutionAgain() {
        engine();
        ExecutionResult incomplete = t.run(PIPELINE.formatted("break"), "{\"v\": 1}");
        assertThat(incomplete.status()).isEqualTo(ExecutionStatus.INCOMPLETE);
        ExecutionResult retried = await(t.engine.retry(incomplete.id()));
        assertThat(retried.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(retried.requireNode("c").output()).isEqualTo(json("{\"got\": 1}"));
        assertThat(t.test.runs("a")).isEqualTo(1);
    }

    @Test
    void aNodeThatFailsAgainOnRetryHasAFreshBudgetAndFailsTheExecutionAgain() {
        engine();
        String scenario = """
                {"nodes": [{"id": "down", "integrationId": "test", "actionId": "throw",
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""";
        ExecutionResult failed = t.run(scenario);
        ExecutionResult again = await(t.engine.retry(failed.id()));
        assertThat(again.status()).isEqualTo(ExecutionStatus.FAILED);
        NodeRecord down = again.requireNode("down");
        assertThat(down.attempts()).isEqualTo(4);
        assertThat(down.error().attempt()).isEqualTo(4);
        assertThat(down.error().maxAttempts()).isEqualTo(4);
        assertThat(down.attemptHistory()).extracting(AttemptRecord::retryDelayMs).containsExactly(1L, null, 1L, null);
        assertThat(t.test.runs("down")).isEqualTo(4);

        // With one attempt a run: the retry's failure is attempt 2 of 2 (the first run's attempt counted in).
        ExecutionResult once = t.run(scenario.replace("\"maxAttempts\": 2", "\"maxAttempts\": 1"));
        NodeRecord retriedOnce = await(t.engine.retry(once.id())).requireNode("down");
        assertThat(retriedOnce.error().attempt()).isEqualTo(2);
        assertThat(retriedOnce.error().maxAttempts()).isEqualTo(2);
    }

    @Test
    void onlyFailedAndIncompleteExecutionsCanBeRetried() throws Exception {
        engine();
        ExecutionResult completed = t.run("""
                {"nodes": [{"id": "a", "integrationId": "test", "actionId": "record"}]}""");
        assertThatThrownBy(() -> t.engine.retry(completed.id()))
                .isInstanceOf(ExecutionStateException.class).hasMessageContaining("is completed");
        assertThatThrownBy(() -> t.engine.retry("nope")).isInstanceOf(UnknownExecutionException.class);
        ExecutionHandle running = t.start("""
                {"nodes": [{"id": "g", "integrationId": "test", "actionId": "gate", "configuration": {"gate": "g"}}]}""", "{}");
        t.test.startedAt("g").await(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThatThrownBy(() -> t.engine.retry(running.executionId()))
                .isInstanceOf(ExecutionStateException.class).hasMessageContaining("is running");
        t.test.open("g");
        await(running);
    }

    // ------------------------------------------------------------------ error scenarios

    private static final Pattern NOTIFIED = Pattern.compile("error scenario 'alerts' notified as execution (\\w+)");

    private ExecutionResult notification(ExecutionResult failed) {
        String line = t.store.logs(failed.id()).stream().map(LogEntry::message).filter(m -> NOTIFIED.matcher(m).find())
                .findFirst().orElseThrow(() -> new AssertionError("no error scenario was notified: " + t.store.logs(failed.id())));
        Matcher m = NOTIFIED.matcher(line);
        assertThat(m.find()).isTrue();
        String id = m.group(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> t.store.find(id).map(r -> r.status().isFinal()).orElse(false));
        return t.store.find(id).orElseThrow();
    }

    @Test
    void aFailedExecutionRunsItsErrorScenarioWithWhatFailed() {
        engine();
        saved.put("alerts", t.scenario("""
                {"id": "alerts", "nodes": [{"id": "notify", "integrationId": "test", "actionId": "record"}]}"""));
        ExecutionResult failed = t.run("""
                {"id": "orders", "name": "Orders", "errorScenarioId": "alerts", "nodes": [
                  {"id": "ok", "integrationId": "core", "actionId": "noop"},
                  {"id": "auth", "integrationId": "core", "actionId": "fail",
                   "configuration": {"errorType": "authentication_failed", "message": "key revoked"}}
                ], "connections": [{"fromNodeId": "ok", "toNodeId": "auth"}]}""");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);

        ExecutionResult alert = notification(failed);
        assertThat(alert.scenarioId()).isEqualTo("alerts");
        assertThat(alert.status()).isEqualTo(ExecutionStatus.COMPLETED);
        JsonNode data = alert.requireNode("notify").output();
        assertThat(data.at("/execution/id").asText()).isEqualTo(failed.id());
        assertThat(data.at("/execution/scenarioId").asText()).isEqualTo("orders");
        assertThat(data.at("/execution/status").asText()).isEqualTo("failed");
        assertThat(data.at("/failedNode/id").asText()).isEqualTo("auth");
        assertThat(data.at("/failedNode/actionId").asText()).isEqualTo("fail");
        assertThat(data.at("/error/type").asText()).isEqualTo("authentication_failed");
        assertThat(data.at("/error/message").asText()).isEqualTo("key revoked");
        assertThat(data.at("/error/severity").asText()).isEqualTo("high");
        assertThat(data.at("/error/category").asText()).isEqualTo("security");
        // The rest of the shape an error scenario reads.
        assertThat(data.at("/execution/scenarioName").asText()).isEqualTo("Orders");
        assertThat(data.at("/execution/scenarioVersion").asInt()).isEqualTo(failed.scenarioVersion());
        assertThat(data.at("/execution/startTime").asText()).isEqualTo(failed.startTime().toString());
        assertThat(data.at("/execution/endTime").asText()).isEqualTo(failed.endTime().toString());
        assertThat(data.at("/failedNode/integrationId").asText()).isEqualTo("core");
        assertThat(data.at("/failedNode/attempts").asInt()).isEqualTo(1);
        assertThat(data.at("/error/retryable").asBoolean()).isFalse();
        assertThat(data.at("/error/attempt").asInt()).isEqualTo(1);
        assertThat(data.get("error").has("retryAfterMs")).isTrue();
        assertThat(data.at("/error/retryAfterMs").isNull()).isTrue();
        assertThat(alert.traceId()).as("the notification joins the failed execution's trace").isEqualTo(failed.traceId()).isNotNull();
    }

    /** No node failed: the execution ran out of time. The error scenario hears that, with no failed node to name. */
    @Test
    void anExecutionThatTimedOutNotifiesItsErrorScenarioWithTheTimeoutAndNoFailedNode() {
        engine();
        saved.put("alerts", t.scenario("""
                {"id": "alerts", "nodes": [{"id": "notify", "integrationId": "test", "actionId": "record"}]}"""));
        ExecutionResult failed = t.run("""
                {"id": "slow", "errorScenarioId": "alerts", "settings": {"timeoutMs": 100}, "nodes": [
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 30000}}]}""");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);

        JsonNode data = notification(failed).requireNode("notify").output();
        assertThat(data.at("/execution/id").asText()).isEqualTo(failed.id());
        assertThat(data.at("/execution/endTime").asText()).isNotEmpty();
        assertThat(data.get("failedNode").isNull()).isTrue();
        assertThat(data.at("/error/type").asText()).isEqualTo("timeout");
        assertThat(data.at("/error/message").asText()).isEqualTo("execution exceeded settings.timeoutMs of 100 ms");
    }

    @Test
    void aFailingErrorScenarioNotifiesNobodyAndHandledOrParkedFailuresNotifyNobody() {
        engine();
        saved.put("alerts", t.scenario("""
                {"id": "alerts", "errorScenarioId": "alerts", "nodes": [{"id": "notify", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "invalid_input"}}]}"""));
        ExecutionResult failed = t.run("""
                {"id": "orders", "errorScenarioId": "alerts", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "invalid_input"}}]}""");
        ExecutionResult alert = notification(failed);
        assertThat(alert.status()).isEqualTo(ExecutionStatus.FAILED);
        await().atMost(Duration.ofSeconds(10)).until(() -> t.engine.activeExecutions() == 0);
        assertThat(t.store.logs(alert.id())).noneSatisfy(line -> assertThat(line.message()).contains("error scenario"));

        ExecutionResult parked = t.run("""
                {"id": "orders", "errorScenarioId": "alerts", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                  "onError": "break", "configuration": {"errorType": "invalid_input"}}]}""");
        assertThat(parked.status()).isEqualTo(ExecutionStatus.INCOMPLETE);
        assertThat(t.store.logs(parked.id())).noneSatisfy(line -> assertThat(line.message()).contains("error scenario"));
    }

    @Test
    void anUnknownErrorScenarioIsLoggedAgainstTheFailedExecution() {
        engine();
        ExecutionResult failed = t.run("""
                {"id": "orders", "errorScenarioId": "nobody", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "invalid_input"}}]}""");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(t.store.logs(failed.id())).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.ERROR);
            assertThat(line.message()).contains("error scenario 'nobody' does not exist");
        });
    }
}
