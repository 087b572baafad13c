package io.scenariobuilder.core.scenario;

import java.util.Optional;

/**
 * Where the engine finds a saved scenario by id: the error scenario an execution names in {@code errorScenarioId}.
 * The server binds the scenario store; without one (the CLI), no scenario is found.
 */
@FunctionalInterface
public interface ScenarioSource {

    /** Finds nothing. */
    ScenarioSource NONE = id -> Optional.empty();

    /** The current version of a saved scenario. May block on a store read. */
    Optional<Scenario> find(String scenarioId);
}
