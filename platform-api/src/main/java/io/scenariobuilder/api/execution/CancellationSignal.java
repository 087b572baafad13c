package io.scenariobuilder.api.execution;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;

/**
 * Tells an action that its node was cancelled (the execution was cancelled or the node timed out).
 *
 * <p>Blocking actions are also interrupted; long loops should check {@link #throwIfCancelled()}, and asynchronous
 * actions should register a callback that aborts their work:
 *
 * <pre>{@code
 * CompletableFuture<ActionResult> call = client.send(request);
 * context.cancellation().onCancel(() -> call.cancel(true));
 * }</pre>
 */
public interface CancellationSignal {

    /** Whether the node was cancelled. */
    boolean isCancelled();

    /**
     * Runs {@code callback} once when the node is cancelled; at once when it already was.
     * Callbacks run on the engine's thread and must not block.
     */
    void onCancel(Runnable callback);

    /** Throws a {@code cancelled} {@link IntegrationException} when cancelled. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new IntegrationException(ErrorType.CANCELLED, "node cancelled");
        }
    }
}
