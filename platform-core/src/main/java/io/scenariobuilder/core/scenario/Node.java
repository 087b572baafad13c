package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.Objects;

/**
 * One node of a scenario: one action of one integration.
 *
 * @param id unique in the scenario
 * @param name display name, or {@code null}
 * @param integrationId the integration
 * @param actionId the action of that integration
 * @param connectionId the stored connection (credentials), or {@code null}
 * @param configuration the action's configuration; strings may hold {@code {{ }}} templates
 * @param timeoutMs per-attempt timeout, or {@code null}
 * @param retryPolicy the node's retry policy, or {@code null} for the integration's or platform's default
 * @param onError what happens when the node has failed for good
 * @param position where the builder draws it, or {@code null}; the engine ignores it
 */
public record Node(
        String id,
        String name,
        String integrationId,
        String actionId,
        String connectionId,
        JsonNode configuration,
        Long timeoutMs,
        RetryPolicy retryPolicy,
        OnError onError,
        Position position) {

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(actionId, "actionId");
        configuration = Objects.requireNonNullElseGet(configuration, JsonNodeFactory.instance::objectNode);
        onError = Objects.requireNonNullElse(onError, OnError.FAIL);
    }
}
