package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.TraceContext;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored execution with what the engine needs to run it on: to resume an unfinished one ({@code queued},
 * {@code running} or {@code paused}) after a restart, or to retry a {@code failed} or {@code incomplete} one.
 *
 * @param id the execution id
 * @param scenario the scenario document it runs, or {@code null} when the store lost it (the execution cannot run on)
 * @param trigger its trigger data
 * @param status its stored status
 * @param startTime when it started
 * @param nodes its node records
 * @param trace its trace (a new one for an execution stored before traces existed)
 * @param uncleanStops how many unclean stops of the server found it running (see
 *     {@link ExecutionStore#recordUncleanStop()})
 */
public record ResumableExecution(String id, JsonNode scenario, JsonNode trigger, ExecutionStatus status, Instant startTime,
        List<NodeRecord> nodes, TraceContext trace, int uncleanStops) {

    /** One no unclean stop has found running. */
    public ResumableExecution(String id, JsonNode scenario, JsonNode trigger, ExecutionStatus status, Instant startTime,
            List<NodeRecord> nodes, TraceContext trace) {
        this(id, scenario, trigger, status, startTime, nodes, trace, 0);
    }

    public ResumableExecution {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(trace, "trace");
        nodes = List.copyOf(nodes);
    }
}
