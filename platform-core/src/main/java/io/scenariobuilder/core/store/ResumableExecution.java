package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An execution the store holds as not finished ({@code queued}, {@code running} or {@code paused}): what the engine
 * needs to resume it after a restart.
 *
 * @param id the execution id
 * @param scenario the scenario document it runs
 * @param trigger its trigger data
 * @param status its stored status
 * @param startTime when it started
 * @param nodes its node records
 */
public record UnfinishedExecution(String id, JsonNode scenario, JsonNode trigger, ExecutionStatus status, Instant startTime,
        List<NodeRecord> nodes) {

    public UnfinishedExecution {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(trigger, "trigger");
        nodes = List.copyOf(nodes);
    }
}
