package io.scenariobuilder.core.store;

import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionStatus;
import java.time.Instant;
import java.util.List;

/**
 * One execution in a list: without node records, outputs or logs.
 *
 * @param endTime when it ended, or {@code null}
 * @param duration its duration in ms once ended, else {@code null}
 * @param error why it failed, or {@code null}
 */
public record ExecutionSummary(String id, String scenarioId, int scenarioVersion, ExecutionStatus status, Instant startTime,
        Instant endTime, Long duration, ExecutionError error) {

    /**
     * A page of executions, newest first.
     *
     * @param nextCursor pass it back for the next page; {@code null} on the last page
     */
    public record Page(List<ExecutionSummary> items, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }
    }
}
