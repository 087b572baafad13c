package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.CancellationSignal;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionLogger;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import io.scenariobuilder.core.expression.ExpressionSyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link ExecutionContext} of one attempt. Immutable; safe to use from the action's threads. */
final class NodeContext implements ExecutionContext {

    private final JsonNode input;
    private final Map<String, JsonNode> inputs;
    private final JsonNode configuration;
    private final JsonNode credentials;
    private final java.util.List<String> allowedHosts;
    private final String connectionId;
    private final String executionId;
    private final String scenarioId;
    private final String nodeId;
    private final int attempt;
    private final java.time.Instant nodeStartTime;
    private final NodeAttempt cancellation;
    private final ExecutionLog log;
    private final ExpressionCompiler expressions;
    private final Supplier<Object> document;
    private final TraceContext trace;
    private final String spanId;
    private final java.util.Collection<String> secrets;

    NodeContext(JsonNode input, Map<String, JsonNode> inputs, JsonNode configuration,
            io.scenariobuilder.core.store.CredentialStore.Credentials credentials,
            String connectionId, String executionId, String scenarioId, String nodeId, int attempt, java.time.Instant nodeStartTime,
            NodeAttempt cancellation, ExecutionLog log, ExpressionCompiler expressions, Supplier<Object> document, TraceContext trace,
            String spanId, java.util.Collection<String> secrets) {
        this.trace = trace;
        this.spanId = spanId;
        this.secrets = secrets;
        this.input = input;
        this.inputs = inputs;
        this.configuration = configuration;
        this.credentials = credentials == null ? null : credentials.values();
        this.allowedHosts = credentials == null ? null : credentials.allowedHosts();
        this.connectionId = connectionId;
        this.executionId = executionId;
        this.scenarioId = scenarioId;
        this.nodeId = nodeId;
        this.attempt = attempt;
        this.nodeStartTime = nodeStartTime;
        this.cancellation = cancellation;
        this.log = log;
        this.expressions = expressions;
        this.document = document;
    }

    @Override
    public JsonNode input() {
        return input;
    }

    @Override
    public Map<String, JsonNode> inputs() {
        return inputs;
    }

    @Override
    public JsonNode configuration() {
        return configuration;
    }

    @Override
    public JsonNode credentials() {
        // A fresh empty object for nodes without a connection: actions may not share a mutable one.
        return credentials != null ? credentials : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    @Override
    public Optional<java.util.List<String>> allowedHosts() {
        return Optional.ofNullable(allowedHosts);
    }

    @Override
    public Optional<String> connectionId() {
        return Optional.ofNullable(connectionId);
    }

    @Override
    public String executionId() {
        return executionId;
    }

    @Override
    public String scenarioId() {
        return scenarioId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public java.time.Instant nodeStartTime() {
        return nodeStartTime;
    }

    @Override
    public String idempotencyKey() {
        return executionId + ":" + nodeId;
    }

    @Override
    public ExecutionLogger logger() {
        return this::logLine;
    }

    private void logLine(LogLevel level, String message) {
        // A careless plugin may log its own credentials: they are masked like any other secret.
        log.write(level, "integration", String.valueOf(message), executionId, scenarioId, nodeId, trace.traceId(), spanId, secrets);
    }

    @Override
    public Optional<String> traceparent() {
        return Optional.of(trace.traceparent(spanId));
    }

    @Override
    public CancellationSignal cancellation() {
        return cancellation;
    }

    @Override
    public JsonNode evaluate(String expression) {
        try {
            JsonNode value = expressions.compile(expression).evaluateToJson(document.get());
            return value == null ? NullNode.getInstance() : value;
        } catch (ExpressionSyntaxException e) {
            throw new IntegrationException(ErrorType.EXPRESSION_ERROR, "expression does not parse: " + e.getMessage(), false, null, e);
        } catch (ExpressionEvaluationException e) {
            throw new IntegrationException(ErrorType.EXPRESSION_ERROR, e.getMessage(), false, null, e);
        }
    }

}
