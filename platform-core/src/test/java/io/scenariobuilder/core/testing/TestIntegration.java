package io.scenariobuilder.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Actions whose behaviour tests control: gates that block until released, a record of what ran, in which order,
 * how many at once, and whether an action saw an interrupt.
 *
 * <ul>
 *   <li>{@code record}: records the node id and passes its input on.
 *   <li>{@code gate}: signals it started, then blocks until the gate named by {@code gate} is opened.
 *   <li>{@code sleep}: blocks in {@code Thread.sleep(ms)}; records an interrupt.
 *   <li>{@code async}: completes later from another thread with {@code {"async": input}}.
 * </ul>
 */
public final class TestIntegration implements Integration {

    public final List<String> order = new CopyOnWriteArrayList<>();
    public final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    public final AtomicInteger concurrent = new AtomicInteger();
    public final AtomicInteger maxConcurrent = new AtomicInteger();
    public final List<String> interrupted = new CopyOnWriteArrayList<>();
    public final Map<String, String> idempotencyKeys = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();

    public CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    public void open(String name) {
        gate(name).countDown();
    }

    /** Completes when a {@code gate} node with this gate name has started. */
    public CountDownLatch startedAt(String name) {
        return started.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    public int runs(String nodeId) {
        AtomicInteger count = runs.get(nodeId);
        return count == null ? 0 : count.get();
    }

    private void enter(ExecutionContext context) {
        order.add(context.nodeId());
        runs.computeIfAbsent(context.nodeId(), n -> new AtomicInteger()).incrementAndGet();
        idempotencyKeys.put(context.executionId() + "/" + context.nodeId() + "/" + context.attempt(), context.idempotencyKey());
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
    }

    private void exit() {
        concurrent.decrementAndGet();
    }

    @Override
    public IntegrationManifest manifest() {
        NodeExecutor record = new NodeExecutor() {
            @Override
            public ActionResult execute(ExecutionContext context) {
                enter(context);
                exit();
                return ActionResult.of(context.input());
            }

            @Override
            public Capabilities getCapabilities() {
                return Capabilities.NON_BLOCKING;
            }
        };
        NodeExecutor gate = context -> {
            enter(context);
            try {
                String name = context.configuration().get("gate").asText();
                startedAt(name).countDown();
                if (!gate(name).await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate " + name + " was never opened");
                }
                return ActionResult.of(context.input());
            } catch (InterruptedException e) {
                interrupted.add(context.nodeId());
                throw e;
            } finally {
                exit();
            }
        };
        NodeExecutor sleep = context -> {
            enter(context);
            try {
                Thread.sleep(context.configuration().get("ms").asLong());
                return ActionResult.of(context.input());
            } catch (InterruptedException e) {
                interrupted.add(context.nodeId());
                throw e;
            } finally {
                exit();
            }
        };
        NodeExecutor async = new NodeExecutor() {
            @Override
            public ActionResult execute(ExecutionContext context) {
                throw new IllegalStateException("async only");
            }

            @Override
            public java.util.concurrent.CompletionStage<ActionResult> executeAsync(ExecutionContext context) {
                enter(context);
                return CompletableFuture.supplyAsync(() -> {
                    exit();
                    if (context.input().has("boom")) {
                        throw IntegrationException.rateLimited("slow down", Duration.ofMillis(5));
                    }
                    return ActionResult.of(JsonNodeFactory.instance.objectNode().set("async", context.input()));
                }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
            }

            @Override
            public Capabilities getCapabilities() {
                return new Capabilities(ExecutionStyle.ASYNC, false);
            }
        };
        NodeExecutor throwing = context -> {
            enter(context);
            exit();
            throw new java.net.ConnectException("connection refused by " + context.configuration().path("host").asText("host"));
        };
        return new IntegrationManifest("test", "Test", "1.0.0", "test actions", null, null, List.of(
                ActionDefinition.builder("record", record).build(),
                ActionDefinition.builder("gate", gate)
                        .field(DynamicFieldConfig.builder("gate", FieldType.INPUT).required(true).build())
                        .build(),
                ActionDefinition.builder("sleep", sleep)
                        .field(DynamicFieldConfig.builder("ms", FieldType.NUMBER).required(true).build())
                        .build(),
                ActionDefinition.builder("async", async).build(),
                ActionDefinition.builder("throw", throwing)
                        .field(DynamicFieldConfig.builder("host", FieldType.INPUT).build())
                        .build()));
    }
}
