package io.scenariobuilder.core.engine;

import static io.scenariobuilder.core.testing.TestEngine.await;
import static io.scenariobuilder.core.testing.TestEngine.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.store.InMemoryCredentialStore;
import io.scenariobuilder.core.store.InMemoryExecutionStore;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an action sees of the engine through its context: credentials, expressions, logs, cancellation. */
class ExecutionContextTest {

    private final TestEngine t = new TestEngine();
    private final List<String> cancelCallbacks = new CopyOnWriteArrayList<>();
    private final CountDownLatch hanging = new CountDownLatch(1);

    ExecutionContextTest() {
        NodeExecutor whoAmI = context -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("credentials", context.credentials());
            out.put("connectionId", context.connectionId().orElse(null));
            out.put("scenarioId", context.scenarioId());
            out.put("key", context.idempotencyKey());
            return ActionResult.of(out);
        };
        NodeExecutor evaluate = context -> {
            context.logger().debug("debug line");
            context.logger().info("info line");
            context.logger().warn("warn line");
            context.logger().error("error line");
            return ActionResult.of(context.evaluate(context.configuration().get("expr").asText()));
        };
        NodeExecutor hang = new NodeExecutor() {
            @Override
            public ActionResult execute(ExecutionContext context) {
                throw new IllegalStateException("async only");
            }

            @Override
            public CompletionStage<ActionResult> executeAsync(ExecutionContext context) {
                context.cancellation().onCancel(() -> cancelCallbacks.add("registered before"));
                hanging.countDown();
                return new CompletableFuture<>();
            }

            @Override
            public Capabilities getCapabilities() {
                return new Capabilities(ExecutionStyle.ASYNC, false);
            }
        };
        NodeExecutor loop = context -> {
            // Ignores interrupts on purpose: the engine must not wait for it.
            hanging.countDown();
            while (!context.cancellation().isCancelled()) {
                Thread.onSpinWait();
            }
            context.cancellation().onCancel(() -> cancelCallbacks.add("registered after"));
            context.cancellation().throwIfCancelled();
            return ActionResult.of(null);
        };
        t.install(new IntegrationManifest("secure", "Secure", "1", "", null,
                new ConnectionType(List.of(DynamicFieldConfig.builder("token", FieldType.INPUT).required(true).build()), null),
                List.of(ActionDefinition.builder("whoami", whoAmI).build())));
        t.install(new IntegrationManifest("ctx", "Ctx", "1", "", null, null, List.of(
                ActionDefinition.builder("evaluate", evaluate)
                        .field(DynamicFieldConfig.builder("expr", FieldType.INPUT).build()).build(),
                ActionDefinition.builder("hang", hang).build(),
                ActionDefinition.builder("loop", loop).build())));
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void theNodesConnectionCredentialsReachTheAction() {
        t.injector.getInstance(InMemoryCredentialStore.class).put("shop", json("{\"token\": \"s3cret\"}"));
        ExecutionResult result = t.run("""
                {"id": "creds", "nodes": [{"id": "me", "integrationId": "secure", "actionId": "whoami", "connectionId": "shop"}]}""");
        JsonNode out = result.requireNode("me").output();
        assertThat(out.get("credentials").get("token").asText()).isEqualTo("s3cret");
        assertThat(out.get("connectionId").asText()).isEqualTo("shop");
        assertThat(out.get("scenarioId").asText()).isEqualTo("creds");
        assertThat(out.get("key").asText()).isEqualTo(result.id() + ":me");
    }

    @Test
    void aMissingConnectionFailsTheNodeAndNoConnectionIsAValidationProblem() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "me", "integrationId": "secure", "actionId": "whoami", "connectionId": "gone"}]}""");
        assertThat(result.requireNode("me").error().type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(result.requireNode("me").error().message()).contains("connection 'gone' does not exist");
        assertThat(t.validator.validate("""
                {"nodes": [{"id": "me", "integrationId": "secure", "actionId": "whoami"}]}""", "x").problems())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("$.nodes[0].connectionId");
                    assertThat(p.message()).contains("needs a connection");
                });
    }

    @Test
    void actionsEvaluateExpressionsOverTheirDocumentAndLogWithTheirIds() {
        List<LogEntry> streamed = new CopyOnWriteArrayList<>();
        try (var listener = t.injector.getInstance(ExecutionLog.class).addListener(streamed::add)) {
            ExecutionResult result = t.run("""
                    {"nodes": [
                      {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": {"n": 4}}},
                      {"id": "b", "integrationId": "ctx", "actionId": "evaluate", "configuration": {"expr": "nodes.a.output.n + input.n + trigger.t"}}
                    ], "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""", "{\"t\": 1}");
            assertThat(result.requireNode("b").output().asInt()).isEqualTo(9);
            assertThat(t.store.logs(result.id())).filteredOn(l -> "b".equals(l.nodeId()))
                    .extracting(l -> l.level().id() + " " + l.message())
                    .containsExactly("debug debug line", "info info line", "warn warn line", "error error line");
            assertThat(streamed).extracting(LogEntry::message).contains("info line", "execution started (scenario test v0)");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBadExpressionInEvaluateIsAnExpressionError() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "b", "integrationId": "ctx", "actionId": "evaluate", "configuration": {"expr": "(("}}]}""");
        assertThat(result.requireNode("b").error().type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        ExecutionResult failing = t.run("""
                {"nodes": [{"id": "b", "integrationId": "ctx", "actionId": "evaluate", "configuration": {"expr": "$number('x')"}}]}""");
        assertThat(failing.requireNode("b").error().type()).isEqualTo(ErrorType.EXPRESSION_ERROR);
        assertThat(failing.requireNode("b").attempts()).isEqualTo(1);
    }

    @Test
    void anAsyncActionHearsItsCancellation() throws Exception {
        var handle = t.start("""
                {"nodes": [{"id": "h", "integrationId": "ctx", "actionId": "hang"}]}""", "{}");
        assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
        t.engine.cancel(handle.executionId()).toCompletableFuture().get();
        assertThat(await(handle).requireNode("h").status()).isEqualTo(NodeStatus.CANCELLED);
        assertThat(cancelCallbacks).containsExactly("registered before");
    }

    @Test
    void anActionThatIgnoresInterruptsDoesNotHoldATimedOutExecution() {
        ExecutionResult result = t.run("""
                {"nodes": [{"id": "l", "integrationId": "ctx", "actionId": "loop", "timeoutMs": 30,
                            "retryPolicy": {"maxAttempts": 1}}]}""");
        assertThat(result.requireNode("l").error().type()).isEqualTo(ErrorType.TIMEOUT);
        await().atMost(Duration.ofSeconds(10)).until(() -> cancelCallbacks.contains("registered after"));
    }

    private static final io.scenariobuilder.core.scenario.ScenarioSnapshot SNAPSHOT =
            new io.scenariobuilder.core.scenario.ScenarioSnapshot("h", json("{}"));

    @Test
    void theInMemoryStoreKeepsABoundedNumberOfFinishedExecutions() {
        InMemoryExecutionStore store = new InMemoryExecutionStore(3);
        try (TestEngine small = new TestEngine(new EngineSettings(1, 3, 1L))) {
            AtomicInteger count = new AtomicInteger();
            for (int i = 0; i < 5; i++) {
                small.run("{\"nodes\": [{\"id\": \"a\", \"integrationId\": \"core\", \"actionId\": \"noop\"}]}");
                count.incrementAndGet();
            }
            assertThat(((InMemoryExecutionStore) small.store).size()).isEqualTo(3);
        }
        assertThat(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, java.time.Instant.EPOCH, TraceContext.fresh())
                .toCompletableFuture().isCompletedExceptionally()).isFalse();
        assertThat(store.executionCreated("e", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, java.time.Instant.EPOCH, TraceContext.fresh())
                .toCompletableFuture().isCompletedExceptionally()).isTrue();
        assertThat(store.executionUpdated("nope", ExecutionStatus.RUNNING, null, null)
                .toCompletableFuture().isCompletedExceptionally()).isTrue();
        assertThat(store.find("nope")).isEmpty();
        assertThat(store.logs("nope")).isEmpty();
    }

    @Test
    void statusesHaveWireNames() {
        assertThat(ExecutionStatus.fromId("incomplete")).contains(ExecutionStatus.INCOMPLETE);
        assertThat(ExecutionStatus.fromId("bogus")).isEmpty();
        assertThat(ExecutionStatus.PAUSED.isFinal()).isFalse();
        assertThat(NodeStatus.WAITING_RETRY.id()).isEqualTo("waiting_retry");
        assertThat(IntegrationException.rateLimited(Duration.ZERO).retryAfter()).contains(Duration.ZERO);
    }
}
