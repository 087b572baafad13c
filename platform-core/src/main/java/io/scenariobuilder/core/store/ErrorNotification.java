package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The notification of an error scenario about a failed execution, kept in the store's outbox from the transaction that
 * stores the failure until the error scenario's execution is stored: started at least once, never lost.
 *
 * @param failedExecutionId the execution that failed (one notification each)
 * @param errorScenarioId the scenario to start
 * @param trigger its trigger data ({@code {execution, failedNode, error}})
 * @param traceId the failed execution's trace, which the notification joins
 * @param parentSpanId the failed execution's span, the notification's parent
 */
public record ErrorNotification(String failedExecutionId, String errorScenarioId, JsonNode trigger, String traceId, String parentSpanId,
        Instant createdAt) {

    public ErrorNotification {
        Objects.requireNonNull(failedExecutionId, "failedExecutionId");
        Objects.requireNonNull(errorScenarioId, "errorScenarioId");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
