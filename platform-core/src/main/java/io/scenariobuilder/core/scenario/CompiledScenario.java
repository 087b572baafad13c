package io.scenariobuilder.core.scenario;

import io.scenariobuilder.api.integration.RetryPolicy;
import io.scenariobuilder.core.expression.CompiledExpression;
import io.scenariobuilder.core.expression.ConfigurationTemplate;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredAction;
import io.scenariobuilder.core.integration.PluginUsage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A valid scenario ready to run: nodes resolved to their actions, expressions parsed, the graph indexed. Immutable
 * and shared by every execution of one scenario version.
 *
 * @param scenario the scenario
 * @param nodes the nodes, indexed as in the scenario
 * @param connections the connections, indexed as in the scenario
 * @param indexById node index by node id
 * @param plugins the plugin versions its nodes use, each once; an execution holds them until it ends
 * @param snapshot the scenario as a document with its hash, for the store
 */
public record CompiledScenario(
        Scenario scenario,
        List<CompiledNode> nodes,
        List<CompiledConnection> connections,
        Map<String, Integer> indexById,
        List<PluginUsage> plugins,
        ScenarioSnapshot snapshot) {

    public CompiledScenario {
        Objects.requireNonNull(scenario, "scenario");
        nodes = List.copyOf(nodes);
        connections = List.copyOf(connections);
        indexById = Map.copyOf(indexById);
        plugins = List.copyOf(plugins);
        Objects.requireNonNull(snapshot, "snapshot");
    }

    /** The compiled node with this id. */
    public CompiledNode node(String nodeId) {
        Integer index = indexById.get(nodeId);
        if (index == null) {
            throw new IllegalArgumentException("scenario '" + scenario.id() + "' has no node '" + nodeId + "'");
        }
        return nodes.get(index);
    }

    /** The node indexes in an order where every node comes after the sources of its incoming connections. */
    public List<Integer> topologicalOrder() {
        int n = nodes.size();
        int[] indegree = new int[n];
        for (CompiledConnection connection : connections) {
            indegree[connection.to()]++;
        }
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (indegree[i] == 0) {
                queue.add(i);
            }
        }
        List<Integer> order = new java.util.ArrayList<>(n);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            order.add(i);
            for (int c : nodes.get(i).outgoing()) {
                if (--indegree[connections.get(c).to()] == 0) {
                    queue.add(connections.get(c).to());
                }
            }
        }
        return order;
    }

    /**
     * One node ready to run.
     *
     * @param index position in the scenario
     * @param node the node as written
     * @param action the action it runs, resolved when compiled (running executions keep it across plugin upgrades)
     * @param configuration its configuration with defaults applied and templates parsed
     * @param retryPolicy the effective policy: the node's, the action's default, or the platform's
     * @param incoming indexes of connections into it
     * @param outgoing indexes of connections out of it
     * @param predecessorCount the number of distinct source nodes of its incoming connections
     */
    public record CompiledNode(
            int index,
            Node node,
            RegisteredAction action,
            ConfigurationTemplate configuration,
            RetryPolicy retryPolicy,
            List<Integer> incoming,
            List<Integer> outgoing,
            int predecessorCount) {

        public CompiledNode {
            incoming = List.copyOf(incoming);
            outgoing = List.copyOf(outgoing);
        }

        /** The node id. */
        public String id() {
            return node.id();
        }
    }

    /**
     * One connection with its condition parsed.
     *
     * @param index position in the scenario
     * @param connection the connection as written
     * @param from source node index
     * @param to target node index
     * @param condition the parsed condition, or {@code null}
     */
    public record CompiledConnection(int index, Connection connection, int from, int to, CompiledExpression condition) {
    }
}
