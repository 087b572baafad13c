package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What listeners hear: every state change in order, the final one last and only once stored; spans when asked. */
class ExecutionEventsTest {

    @Test
    void stateChangesArriveInOrderAndTheEndOnlyOnceStored() throws Exception {
        try (TestEngine t = new TestEngine()) {
            List<ExecutionEvent> heard = new CopyOnWriteArrayList<>();
            ExecutionEvents events = t.injector.getInstance(ExecutionEvents.class);
            try (AutoCloseable ignored = events.addListener(event -> {
                heard.add(event);
                if (event.type().equals("execution") && event.status().equals("completed")) {
                    // Whoever reads on the final event finds it stored as final.
                    assertThat(t.store.find(event.executionId()).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
                }
            })) {
                ExecutionResult result = t.run("""
                        {"id": "two", "nodes": [
                          {"id": "a", "integrationId": "core", "actionId": "fail",
                           "configuration": {"errorType": "timeout", "message": "slow", "failTimes": 1},
                           "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}},
                          {"id": "b", "integrationId": "core", "actionId": "noop"}],
                         "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""");
                await().atMost(Duration.ofSeconds(5)).until(() -> heard.stream().anyMatch(e -> e.status().equals("completed")
                        && e.type().equals("execution")));
                assertThat(heard).allSatisfy(e -> {
                    assertThat(e.executionId()).isEqualTo(result.id());
                    assertThat(e.scenarioId()).isEqualTo("two");
                });
                assertThat(heard).extracting(e -> e.type() + ":" + (e.nodeId() == null ? "" : e.nodeId() + ":") + e.status())
                        .containsExactly("execution:queued", "execution:running", "node:a:running", "node:a:waiting_retry",
                                "node:a:running", "node:a:completed", "node:b:running", "node:b:completed", "execution:completed");
                assertThat(heard.get(4).attempt()).isEqualTo(2);
            }
            heard.clear();
            t.run("{\"nodes\": [{\"id\": \"x\", \"integrationId\": \"core\", \"actionId\": \"noop\"}]}");
            assertThat(heard).as("a removed listener hears nothing").isEmpty();
        }
    }

    @Test
    void spansNameTheirTraceParentsAndOutcomes() {
        try (TestEngine t = new TestEngine()) {
            List<ExecutionEvents.AttemptSpan> attempts = new CopyOnWriteArrayList<>();
            List<ExecutionEvents.ExecutionSpan> executions = new CopyOnWriteArrayList<>();
            t.injector.getInstance(ExecutionEvents.class).addSpanListener(new ExecutionEvents.SpanListener() {
                @Override
                public void attemptEnded(ExecutionEvents.AttemptSpan span) {
                    attempts.add(span);
                }

                @Override
                public void executionEnded(ExecutionEvents.ExecutionSpan span) {
                    executions.add(span);
                }
            });
            ExecutionResult result = t.run("""
                    {"id": "bad", "nodes": [{"id": "x", "integrationId": "core", "actionId": "fail",
                      "configuration": {"errorType": "invalid_input", "message": "no"}}]}""");
            await().atMost(Duration.ofSeconds(5)).until(() -> executions.size() == 1);
            assertThat(attempts).singleElement().satisfies(span -> {
                assertThat(span.trace().traceId()).isEqualTo(result.traceId());
                assertThat(span.spanId()).isEqualTo(result.requireNode("x").attemptHistory().get(0).spanId());
                assertThat(span.status()).isEqualTo("failed");
                assertThat(span.errorType()).isEqualTo("invalid_input");
                assertThat(span.integrationId()).isEqualTo("core");
                assertThat(span.actionId()).isEqualTo("fail");
                assertThat(span.end()).isAfterOrEqualTo(span.start());
            });
            assertThat(executions.get(0).status()).isEqualTo("failed");
            assertThat(executions.get(0).trace().spanId()).isEqualTo(attempts.get(0).trace().spanId());
        }
    }

    @Test
    void aListenerThatThrowsNeitherFailsTheExecutionNorSilencesTheOthers() throws Exception {
        try (TestEngine t = new TestEngine()) {
            ExecutionEvents events = t.injector.getInstance(ExecutionEvents.class);
            List<String> heard = new CopyOnWriteArrayList<>();
            List<String> spans = new CopyOnWriteArrayList<>();
            events.addListener(event -> {
                throw new IllegalStateException("a live page that went away");
            });
            events.addListener(event -> heard.add(event.type() + ":" + event.status()));
            t.injector.getInstance(ExecutionLog.class).addListener(line -> {
                throw new IllegalStateException("a live log page that went away");
            });
            events.addSpanListener(new ExecutionEvents.SpanListener() {
                @Override
                public void attemptEnded(ExecutionEvents.AttemptSpan span) {
                    throw new IllegalStateException("the trace exporter is down");
                }

                @Override
                public void executionEnded(ExecutionEvents.ExecutionSpan span) {
                    throw new IllegalStateException("the trace exporter is down");
                }
            });
            events.addSpanListener(new ExecutionEvents.SpanListener() {
                @Override
                public void attemptEnded(ExecutionEvents.AttemptSpan span) {
                    spans.add("attempt");
                }

                @Override
                public void executionEnded(ExecutionEvents.ExecutionSpan span) {
                    spans.add("execution");
                }
            });

            ExecutionResult result = t.run("{\"nodes\": [{\"id\": \"x\", \"integrationId\": \"core\", \"actionId\": \"log\", "
                    + "\"configuration\": {\"message\": \"hi\"}}]}");

            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("execution:completed") && spans.contains("execution"));
            assertThat(spans).contains("attempt");
        }
    }
}
