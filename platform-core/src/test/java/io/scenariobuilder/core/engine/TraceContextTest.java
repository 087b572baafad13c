package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.testing.TestEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** W3C trace context: parsing a traceparent, and the ids an execution, its attempts and its log lines carry. */
class TraceContextTest {

    @Test
    void aValidTraceparentIsJoinedUnderTheCallersSpan() {
        TraceContext trace = TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(trace.traceparent("b7ad6b7169203331")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
        // Upper case is read as lower case; a future version with more fields is read by its first four.
        assertThat(TraceContext.fromTraceparent("01-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00-what").traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aMalformedTraceparentStartsANewTrace() {
        for (String bad : new String[] {null, "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-xyz-00f067aa0ba902b7-01"}) {
            TraceContext trace = TraceContext.fromTraceparent(bad);
            assertThat(trace.parentSpanId()).as(String.valueOf(bad)).isNull();
            assertThat(trace.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        assertThatThrownBy(() -> new TraceContext("zz", "00f067aa0ba902b7", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TraceContext.fresh().traceId()).isNotEqualTo(TraceContext.fresh().traceId());
    }

    @Test
    void anExecutionItsAttemptsAndItsLogLinesCarryTheTrace() {
        Map<String, String> seen = new ConcurrentHashMap<>();
        NodeExecutor spy = new NodeExecutor() {
            @Override
            public ActionResult execute(ExecutionContext context) {
                seen.put("traceparent", context.traceparent().orElseThrow());
                seen.put("mdcTrace", MDC.get("traceId"));
                seen.put("mdcSpan", MDC.get("spanId"));
                context.logger().info("hello from the action");
                if (context.attempt() == 1) {
                    throw io.scenariobuilder.api.error.IntegrationException.networkError("flaky", null);
                }
                return ActionResult.of(context.input());
            }
        };
        try (TestEngine t = new TestEngine()) {
            t.install(new IntegrationManifest("spy", "Spy", "1.0.0", "records what an action sees", null, null,
                    List.of(ActionDefinition.builder("run", spy).name("Run").build())));
            String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            ExecutionHandle handle = t.engine.start(t.scenario("""
                    {"id": "traced", "nodes": [{"id": "s", "integrationId": "spy", "actionId": "run",
                      "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}"""),
                    TestEngine.json("{}"), TraceContext.fromTraceparent(incoming));
            ExecutionResult result = TestEngine.await(handle);
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736").isEqualTo(handle.traceId());

            List<AttemptRecord> attempts = result.requireNode("s").attemptHistory();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).spanId()).isNotEqualTo(attempts.get(1).spanId());
            String lastSpan = attempts.get(1).spanId();
            assertThat(seen).containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-" + lastSpan + "-01")
                    .containsEntry("mdcTrace", "4bf92f3577b34da6a3ce929d0e0e4736").containsEntry("mdcSpan", lastSpan);

            List<LogEntry> lines = t.store.logs(result.id());
            assertThat(lines).allSatisfy(line -> assertThat(line.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
            assertThat(lines).filteredOn(line -> line.message().equals("hello from the action")).extracting(LogEntry::spanId)
                    .containsExactly(attempts.get(0).spanId(), lastSpan);
            assertThat(lines).filteredOn(line -> line.message().startsWith("execution started")).singleElement()
                    .satisfies(line -> assertThat(line.spanId()).isNotIn(attempts.get(0).spanId(), lastSpan));
        }
    }
}
