package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.error.CircuitBreakers;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.ExecutionStore;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.random.RandomGenerator;

/** What every execution run shares, handed over by the engine. */
interface EngineServices {
    ExecutionStore store();

    CredentialStore credentials();

    ExecutionLog log();

    ErrorClassifier classifier();

    ExpressionCompiler expressions();

    ConfigurationValidator configurationValidator();

    Clock clock();

    RandomGenerator random();

    Executor engineExecutor();

    ScheduledExecutorService timer();

    ThreadFactory nodeThreads();

    /**
     * Platform threads for expressions too slow for an engine thread (their allocation is measured, which a virtual
     * thread does not allow).
     */
    Executor expressionThreads();

    /** The longest any retry waits ({@link EngineSettings#maxRetryDelayMs()}). */
    long maxRetryDelayMs();

    /**
     * In a cluster: an execution whose only work left is retries due at least this far ahead leaves this server until
     * then (parked in the store, where any server with room takes it at its time); null on a server alone.
     */
    default java.time.Duration parkRetriesAfter() {
        return null;
    }

    OutputMemory outputMemory();

    CircuitBreakers circuitBreakers();

    EngineMetrics metrics();

    ExecutionEvents events();

    FieldOptions fieldOptions();

    /**
     * Sends a notification already in the store's outbox: starts its error scenario, and takes it out of the outbox
     * once that execution is stored. The stage completes when the first try ended (a failed try is logged and tried
     * again later); never exceptionally.
     */
    CompletionStage<Void> sendErrorNotification(io.scenariobuilder.core.store.ErrorNotification notification);

    void executionEnded(ExecutionRun run);

    void internalError(String executionId, Throwable failure);
}
