package io.scenariobuilder.api.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs one action. Authors write {@link #execute}; the engine owns threads, timeouts, retries and class loaders.
 *
 * <pre>{@code
 * public final class Echo implements NodeExecutor {
 *     public ActionResult execute(ExecutionContext context) {
 *         return ActionResult.of(context.input());
 *     }
 * }
 * }</pre>
 *
 * <p>Throw {@link io.scenariobuilder.api.error.IntegrationException} for typed failures.
 */
public interface NodeExecutor {

    /**
     * Runs the action once. May block unless {@link #getCapabilities()} says otherwise; a blocking call runs on a
     * virtual thread and is interrupted when the node is cancelled or times out.
     */
    ActionResult execute(ExecutionContext context) throws Exception;

    /**
     * Runs the action asynchronously. Called instead of {@link #execute} when the style is
     * {@link ExecutionStyle#ASYNC}; must not block. The default wraps {@link #execute}.
     */
    default CompletionStage<ActionResult> executeAsync(ExecutionContext context) {
        try {
            return CompletableFuture.completedFuture(execute(context));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Checks a configuration beyond what the field specs say (cross-field rules). Templates may still be
     * unresolved at save time ({@code "{{ ... }}"}); accept them where a value is expected.
     *
     * @return the problems found, empty when it is valid
     */
    default List<ConfigurationProblem> validate(JsonNode configuration) {
        return List.of();
    }

    /** How the engine should call this action. */
    default Capabilities getCapabilities() {
        return Capabilities.BLOCKING;
    }
}
