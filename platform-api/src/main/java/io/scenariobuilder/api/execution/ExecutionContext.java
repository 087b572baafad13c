package io.scenariobuilder.api.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Everything an action receives for one attempt of one node.
 *
 * <pre>{@code
 * public ActionResult execute(ExecutionContext context) {
 *     String url = context.configuration().path("url").asText();
 *     context.logger().info("calling " + url);
 *     context.cancellation().throwIfCancelled();
 *     return ActionResult.of(callRemote(url, context.idempotencyKey()));
 * }
 * }</pre>
 */
public interface ExecutionContext {

    /** The node's input: its one predecessor's output, an object keyed by predecessor ids, or the trigger data. */
    JsonNode input();

    /**
     * The values arriving over the node's taken incoming connections, keyed by source node id, in the order the
     * connections are declared: a source's output, or its error object over an {@code "on": "error"} connection.
     * Empty for a node without incoming connections (its input is the trigger data).
     */
    java.util.Map<String, JsonNode> inputs();

    /** The node's configuration with every {@code {{ }}} template already resolved. */
    JsonNode configuration();

    /** The decrypted credentials of the node's connection, valid for this call only; an empty object without one. */
    JsonNode credentials();

    /**
     * The host patterns the node's connection allows its credentials to be sent to (the connection's
     * {@code allowedHosts}, set by whoever wrote the connection, never by the scenario); empty when the node has no
     * connection or the connection sets none. An action that sends credentials over the network checks the host it
     * calls with {@link io.scenariobuilder.api.integration.AllowedHosts} first, and fails with
     * {@link io.scenariobuilder.api.error.ErrorType#FORBIDDEN_HOST} before sending anything to another host.
     *
     * <pre>{@code List<String> allowed = context.allowedHosts().orElse(List.of());
     * if (!AllowedHosts.anyMatches(allowed, uri)) throw IntegrationException.forbiddenHost(uri.getHost());}</pre>
     *
     * @since 1.3.0; the default (empty) suits actions that send no credentials anywhere
     */
    default Optional<java.util.List<String>> allowedHosts() {
        return Optional.empty();
    }

    /** The id of the node's connection, when it has one. */
    Optional<String> connectionId();

    /** The execution's id. */
    String executionId();

    /** The scenario's id. */
    String scenarioId();

    /** The node's id within the scenario. */
    String nodeId();

    /** The attempt number, starting at 1. */
    int attempt();

    /**
     * When this node's first attempt started: the same across retries and restarts, so an action that waits (a delay,
     * a poll with a deadline) can wait only for what is left after the platform was restarted.
     *
     * @since 1.0.0; the default (now) suits actions that do not wait
     */
    default java.time.Instant nodeStartTime() {
        return java.time.Instant.now();
    }

    /**
     * A key that stays the same across retries and restarts of this node in this execution: pass it to remote
     * systems that deduplicate requests, so a node re-run after a crash does not act twice.
     */
    String idempotencyKey();

    /** A logger whose lines land in the execution's log with the node's ids. */
    ExecutionLogger logger();

    /**
     * The W3C {@code traceparent} of this attempt's span ({@code 00-<trace id>-<span id>-01}): send it as the
     * {@code traceparent} header of the calls the action makes, so the services it calls join the execution's trace.
     *
     * <pre>{@code context.traceparent().ifPresent(value -> request.header("traceparent", value));}</pre>
     *
     * @since 1.2.0; empty where the platform traces nothing (older platforms, tests without a trace)
     */
    default Optional<String> traceparent() {
        return Optional.empty();
    }

    /** Tells whether the node was cancelled (execution cancelled or node timed out). */
    CancellationSignal cancellation();

    /**
     * Evaluates a JSONata expression against this node's expression document
     * ({@code trigger}, {@code nodes}, {@code execution}, {@code input}).
     *
     * @return the value, or {@code null} when the expression yields nothing
     * @throws io.scenariobuilder.api.error.IntegrationException of type {@code expression_error} when it fails
     */
    JsonNode evaluate(String expression);
}
