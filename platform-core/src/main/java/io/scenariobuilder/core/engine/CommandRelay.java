package io.scenariobuilder.core.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the engine sends a command for an execution it does not run: in a cluster, the server that runs it. None on a
 * server alone.
 */
@FunctionalInterface
public interface CommandRelay {

    /**
     * Sends the command to the server that runs the execution; the stage completes as the command would have here (with
     * the status reached, or failed with {@link ExecutionStateException}). Empty when no other server runs it: it is
     * finished or unknown, or its server stopped and this one claimed it (then it runs here, and the engine applies the
     * command itself).
     */
    Optional<CompletionStage<ExecutionStatus>> send(String executionId, ExecutionCommand command);
}
