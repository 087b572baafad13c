package io.scenariobuilder.core.store;

import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.TraceContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where executions live. Every state change of the runner goes through here, and the runner waits for a write to
 * complete before anything depends on it (write-ahead): a node's start before its action runs, its result before
 * its successors are decided, the execution's creation before its trigger is acknowledged.
 *
 * <p>Writes return a stage so that a durable implementation can batch them (group commit) without blocking the
 * engine's threads; reads are for the API and may block.
 */
public interface ExecutionStore {

    /**
     * Records a new execution.
     *
     * @param scenarioVersion the version it pins
     * @param scenario the exact scenario it runs, kept so it can be resumed after a restart
     * @param trigger its trigger data
     * @param trace its trace: the trace id, the execution's span and the caller's span
     */
    CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario,
            JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace);

    /**
     * Records a new execution started by a schedule, and claims its tick in the same transaction. When the tick was
     * claimed already nothing is stored, and the stage fails with {@link ScheduleTick.AlreadyRunException}.
     */
    default CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario,
            JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace, ScheduleTick tick) {
        if (tick != null) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new UnsupportedOperationException("this store keeps no schedule ticks"));
        }
        return executionCreated(executionId, scenarioId, scenarioVersion, scenario, trigger, status, startTime, trace);
    }

    /** Records an execution's new status (and end time and error once final). */
    CompletionStage<Void> executionUpdated(String executionId, ExecutionStatus status, Instant endTime, ExecutionError error);

    /**
     * Records an execution's failure and, in the same transaction, the notification of its error scenario (the outbox):
     * a crash after the failure is stored cannot lose the notification. A store that does not outlive its process keeps
     * no outbox: the engine sends the notification from memory.
     */
    default CompletionStage<Void> executionFailed(String executionId, Instant endTime, ExecutionError error,
            ErrorNotification notification) {
        return executionUpdated(executionId, ExecutionStatus.FAILED, endTime, error);
    }

    /** Notifications written with their failure and not yet sent (their error scenario's execution is not stored). */
    default List<ErrorNotification> pendingNotifications() {
        return List.of();
    }

    /** Takes a notification out of the outbox: its error scenario's execution is stored (or it can never be sent). */
    default CompletionStage<Void> notificationSent(String failedExecutionId) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * In a cluster: the execution leaves its server until {@code until} (only retries wait): no owner, and any server
     * claims it from then on. A store without a cluster cannot park.
     */
    default CompletionStage<Void> executionParked(String executionId, Instant until) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException("this store cannot park executions"));
    }

    /** Records a node's new state. */
    CompletionStage<Void> nodeUpdated(String executionId, NodeRecord record);

    /** Appends one line to an execution's log. */
    CompletionStage<Void> logAppended(LogEntry entry);

    /** The stored state of an execution. */
    Optional<ExecutionResult> find(String executionId);

    /**
     * Executions, newest first.
     *
     * @param scenarioId only this scenario's, or {@code null} for all
     * @param status only those in this status, or {@code null} for all
     * @param cursor the {@code nextCursor} of the previous page, or {@code null} for the first
     * @param limit at most this many (1 or more)
     */
    ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit);

    /** The stored log lines of an execution, oldest first. */
    List<LogEntry> logs(String executionId);

    /** An execution with its scenario document, trigger and node records: to retry it. Empty when it is not stored. */
    Optional<ResumableExecution> load(String executionId);

    /**
     * The scenario document an execution ran (the version it ran, or the one a retry moved it to); empty when the
     * execution or its snapshot is not stored. Stores that can read it alone override this: {@link #load} also reads
     * every node record and spilled output.
     */
    default Optional<JsonNode> scenarioDocument(String executionId) {
        return load(executionId).map(ResumableExecution::scenario);
    }

    /** Every execution not finished ({@code queued}, {@code running}, {@code paused}), oldest first: to resume on start. */
    List<ResumableExecution> unfinished();

    /**
     * Notes that the server stopped uncleanly (it crashed, was killed, or lost power) while the executions now stored as
     * {@code running} were in flight: each counts one more unclean stop ({@link ResumableExecution#uncleanStops()}).
     * Called once at start, before {@link #unfinished()}, and only after an unclean stop. A store that does not outlive
     * its process has nothing to note.
     */
    default void recordUncleanStop() {
    }

    /**
     * Before a retry writes anything: a store that failed this execution itself (it refused one of its writes for
     * good, and refuses its later writes so that nothing contradicts that) takes its writes again.
     */
    default CompletionStage<Void> executionReopened(String executionId) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * A failed or incomplete execution is retried under another version of its scenario: it runs {@code scenario} from
     * now on (also after a restart), its nodes in {@code droppedNodes} (gone from that version) are forgotten.
     * Written after {@link #executionReopened} and before the retry's other writes.
     */
    CompletionStage<Void> executionScenarioChanged(String executionId, int scenarioVersion, ScenarioSnapshot scenario,
            java.util.Set<String> droppedNodes);

    /** Forgets the unclean stops an execution has seen (it is retried by hand, or finished). */
    default void clearUncleanStops(String executionId) {
    }

    /**
     * Deletes finished executions ({@code completed}, {@code failed}, {@code cancelled}; {@code incomplete} ones wait
     * for a retry and stay) that ended before {@code finishedBefore}, or beyond the {@code keepPerScenario} newest of
     * their scenario, with their node records and logs.
     *
     * @return how many executions were deleted
     */
    CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario);
}
