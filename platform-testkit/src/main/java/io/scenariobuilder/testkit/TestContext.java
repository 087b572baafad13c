package io.scenariobuilder.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.CancellationSignal;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionLogger;

import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.JsonValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link ExecutionContext} an action gets in a test: what the engine would give it for a start node (its input
 * is the trigger data), with the log lines kept for assertions and a cancellation the test can trigger.
 */
public final class TestContext implements ExecutionContext, CancellationSignal {

    private static final ExpressionCompiler EXPRESSIONS = new ExpressionCompiler(1_000);

    private final JsonNode input;
    private final JsonNode configuration;
    private final JsonNode credentials;
    private final java.util.List<String> allowedHosts;
    private final String connectionId;
    private final int attempt;
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final List<Runnable> onCancel = new ArrayList<>();
    private volatile boolean cancelled;

    TestContext(JsonNode input, JsonNode configuration, JsonNode credentials, String connectionId, int attempt,
            java.util.List<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
        this.input = input;
        this.configuration = configuration;
        this.credentials = credentials;
        this.connectionId = connectionId;
        this.attempt = attempt;
    }

    @Override
    public JsonNode input() {
        return input;
    }

    @Override
    public Map<String, JsonNode> inputs() {
        return Map.of();
    }

    @Override
    public JsonNode configuration() {
        return configuration;
    }

    @Override
    public Optional<java.util.List<String>> allowedHosts() {
        return Optional.ofNullable(allowedHosts);
    }

    @Override
    public JsonNode credentials() {
        return credentials == null ? JsonNodeFactory.instance.objectNode() : credentials;
    }

    @Override
    public Optional<String> connectionId() {
        return Optional.ofNullable(connectionId);
    }

    @Override
    public String executionId() {
        return "test-execution";
    }

    @Override
    public String scenarioId() {
        return "test-scenario";
    }

    @Override
    public String nodeId() {
        return "test-node";
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String idempotencyKey() {
        return "test-execution:test-node";
    }

    @Override
    public ExecutionLogger logger() {
        return (level, message) -> logs.add(level.id() + " " + message);
    }

    @Override
    public CancellationSignal cancellation() {
        return this;
    }

    /** Evaluates against {@code {trigger: input, nodes: {}, execution: {...}, input}}, as for a start node. */
    @Override
    public JsonNode evaluate(String expression) {
        Map<String, Object> document = new HashMap<>();
        Object in = JsonValues.toJava(input);
        document.put("trigger", in);
        document.put("input", in);
        document.put("nodes", Map.of());
        document.put("execution", Map.of("id", executionId(), "scenarioId", scenarioId()));
        try {
            JsonNode value = EXPRESSIONS.compile(expression).evaluateToJson(document);
            return value == null ? NullNode.getInstance() : value;
        } catch (RuntimeException e) {
            throw new IntegrationException(ErrorType.EXPRESSION_ERROR, e.getMessage(), false, null, e);
        }
    }

    /** The log lines the action wrote, as {@code "level message"}. */
    public List<String> logs() {
        return List.copyOf(logs);
    }

    /** Cancels the action as the engine would (callbacks run; blocking actions are interrupted by the caller). */
    public void cancel() {
        List<Runnable> callbacks;
        synchronized (this) {
            cancelled = true;
            callbacks = List.copyOf(onCancel);
            onCancel.clear();
        }
        callbacks.forEach(Runnable::run);
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                onCancel.add(callback);
                return;
            }
        }
        callback.run();
    }

}
