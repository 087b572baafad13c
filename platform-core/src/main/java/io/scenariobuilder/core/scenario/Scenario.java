package io.scenariobuilder.core.scenario;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed scenario (format v1): nodes, the connections between them, its trigger and settings.
 *
 * @param id the scenario id
 * @param name display name
 * @param version the stored version (0 when never stored)
 * @param trigger how executions start
 * @param settings execution limits
 * @param nodes the nodes, in document order
 * @param connections the connections, in document order
 * @param errorScenarioId a scenario to run when an execution fails for good, or {@code null}
 */
public record Scenario(
        String id,
        String name,
        int version,
        Trigger trigger,
        ScenarioSettings settings,
        List<Node> nodes,
        List<Connection> connections,
        String errorScenarioId) {

    public Scenario {
        Objects.requireNonNull(id, "id");
        name = Objects.requireNonNullElse(name, id);
        trigger = Objects.requireNonNullElse(trigger, new Trigger.Manual());
        settings = Objects.requireNonNullElse(settings, ScenarioSettings.DEFAULT);
        nodes = List.copyOf(nodes);
        connections = List.copyOf(connections);
    }

    /** The same scenario as another version. */
    public Scenario withVersion(int newVersion) {
        return new Scenario(id, name, newVersion, trigger, settings, nodes, connections, errorScenarioId);
    }

    /** The node with this id, if any. */
    public Optional<Node> node(String nodeId) {
        for (Node node : nodes) {
            if (node.id().equals(nodeId)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** Nodes by id (first wins on duplicates, which the validator reports). */
    public Map<String, Node> nodesById() {
        Map<String, Node> byId = new HashMap<>();
        for (Node node : nodes) {
            byId.putIfAbsent(node.id(), node);
        }
        return byId;
    }
}
