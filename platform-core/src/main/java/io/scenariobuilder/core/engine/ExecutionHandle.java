package io.scenariobuilder.core.engine;

import java.util.concurrent.CompletionStage;

/**
 * A started execution.
 *
 * @param executionId its id
 * @param accepted completes once the execution is recorded in the store (acknowledge triggers after this)
 * @param completion completes with the final result (completed, failed, cancelled or incomplete)
 * @param traceId the W3C trace id of the execution
 * @param scenarioVersion the version of its scenario it runs (a retry may run another than the first run did)
 */
public record ExecutionHandle(String executionId, CompletionStage<Void> accepted, CompletionStage<ExecutionResult> completion,
        String traceId, int scenarioVersion) {
}
