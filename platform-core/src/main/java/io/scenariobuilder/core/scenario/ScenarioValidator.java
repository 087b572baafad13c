package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.RetryPolicy;
import io.scenariobuilder.core.expression.CompiledExpression;
import io.scenariobuilder.core.expression.ConfigurationTemplate;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.ExpressionSyntaxException;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredAction;
import io.scenariobuilder.core.integration.PluginUsage;
import io.scenariobuilder.core.scenario.CompiledScenario.CompiledConnection;
import io.scenariobuilder.core.scenario.CompiledScenario.CompiledNode;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Checks a scenario and compiles it for running. Reports every problem, each with its JSON path: duplicate ids,
 * connections to unknown nodes, cycles (naming their nodes), unknown integrations and actions, configuration not
 * matching the action's fields, and expressions that do not parse.
 *
 * <p>Compiled scenarios are cached per scenario content and registry generation, so expressions are parsed once per
 * scenario version.
 */
public final class ScenarioValidator {

    private static final int MAX_CYCLES_REPORTED = 20;

    private final IntegrationRegistry registry;
    private final ExpressionCompiler expressions;
    private final ScenarioParser parser;
    private final ConfigurationValidator configurationValidator;
    private final Cache<CacheKey, CompiledScenario> compiled =
            CacheBuilder.newBuilder().maximumSize(1_000).build();

    @Inject
    public ScenarioValidator(IntegrationRegistry registry, ExpressionCompiler expressions, ScenarioParser parser) {
        this.registry = registry;
        this.expressions = expressions;
        this.parser = parser;
        this.configurationValidator = new ConfigurationValidator(expressions);
        // Compiled scenarios hold actions, hence plugin classes: drop them as soon as the installed set changes, or
        // an unloaded plugin's class loader stays reachable from this cache.
        registry.onChange(compiled::invalidateAll);
    }

    private record CacheKey(Scenario scenario, long generation) {
    }


    /**
     * The outcome of a validation.
     *
     * @param scenario the parsed scenario, or {@code null} when the document is not a scenario object at all
     * @param compiled the compiled scenario when there is no problem, else {@code null}
     * @param problems every problem found
     */
    public record Validation(Scenario scenario, CompiledScenario compiled, List<ScenarioProblem> problems) {
        public Validation {
            problems = List.copyOf(problems);
        }

        /** Whether the scenario is valid. */
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Parses and checks a JSON document; {@code defaultId} is used when it has no {@code id}. */
    public Validation validate(String json, String defaultId) {
        ScenarioParser.Parsed parsed = parser.parse(json, defaultId);
        if (parsed.scenario() == null) {
            return new Validation(null, null, parsed.problems());
        }
        List<ScenarioProblem> problems = new ArrayList<>(parsed.problems());
        CompiledScenario result = check(parsed.scenario(), parsed.document(), registry.view(), problems);
        return new Validation(parsed.scenario(), problems.isEmpty() ? result : null, problems);
    }

    /** Checks a parsed scenario. */
    public Validation validate(Scenario scenario) {
        return validate(scenario, registry.view());
    }

    private Validation validate(Scenario scenario, IntegrationRegistry.View view) {
        List<ScenarioProblem> problems = new ArrayList<>();
        CompiledScenario result = check(scenario, null, view, problems);
        return new Validation(scenario, problems.isEmpty() ? result : null, problems);
    }

    /**
     * Compiles a scenario, from the cache when the same scenario was compiled against the same installed integrations.
     *
     * @throws InvalidScenarioException with every problem when it is not valid
     */
    public CompiledScenario compile(Scenario scenario) {
        IntegrationRegistry.View view = registry.view();
        CacheKey key = new CacheKey(scenario, view.generation());
        CompiledScenario cached = compiled.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        try {
            CompiledScenario result = compiled.get(key, () -> {
                Validation validation = validate(scenario, view);
                if (!validation.valid()) {
                    throw new InvalidScenarioException(validation.problems());
                }
                return validation.compiled();
            });
            if (registry.generation() != view.generation()) {
                compiled.invalidate(key); // the registry changed while compiling: do not keep a stale entry
            }
            return result;
        } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
            if (e.getCause() instanceof InvalidScenarioException invalid) {
                throw invalid;
            }
            throw new IllegalStateException("compiling scenario '" + scenario.id() + "' failed", e.getCause());
        }
    }

    private CompiledScenario check(Scenario scenario, JsonNode document, IntegrationRegistry.View view,
            List<ScenarioProblem> problems) {
        List<Node> nodes = scenario.nodes();
        List<Connection> connections = scenario.connections();
        // Paths refer to the document's indexes; when a node entry was unreadable the parser dropped it, so map
        // each parsed node back to its document index by id where we can.
        List<String> nodePaths = documentPaths(document, "nodes", nodes.size());
        List<String> connectionPaths = documentPaths(document, "connections", connections.size());

        Map<String, Integer> indexById = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Integer previous = indexById.putIfAbsent(nodes.get(i).id(), i);
            if (previous != null) {
                problems.add(new ScenarioProblem(nodePaths.get(i) + ".id",
                        "duplicate node id '" + nodes.get(i).id() + "' (first used at " + nodePaths.get(previous) + ")"));
            }
        }
        if (scenario.errorScenarioId() != null && !ScenarioParser.ID.matcher(scenario.errorScenarioId()).matches()) {
            problems.add(new ScenarioProblem("$.errorScenarioId", "must match " + ScenarioParser.ID.pattern()));
        }

        List<List<Integer>> incoming = new ArrayList<>();
        List<List<Integer>> outgoing = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            incoming.add(new ArrayList<>());
            outgoing.add(new ArrayList<>());
        }
        List<CompiledConnection> compiledConnections = new ArrayList<>();
        Set<String> seenConnections = new HashSet<>();
        for (int c = 0; c < connections.size(); c++) {
            Connection connection = connections.get(c);
            String path = connectionPaths.get(c);
            Integer from = indexById.get(connection.fromNodeId());
            Integer to = indexById.get(connection.toNodeId());
            if (from == null) {
                problems.add(new ScenarioProblem(path + ".fromNodeId", "unknown node '" + connection.fromNodeId() + "'"));
            }
            if (to == null) {
                problems.add(new ScenarioProblem(path + ".toNodeId", "unknown node '" + connection.toNodeId() + "'"));
            }
            if (!seenConnections.add(connection.fromNodeId() + "\u0000" + connection.toNodeId() + "\u0000" + connection.on())) {
                problems.add(new ScenarioProblem(path, "duplicate connection " + connection.fromNodeId() + " -> "
                        + connection.toNodeId() + " (on " + connection.on().id() + "): merge their conditions with 'or'"));
            }
            CompiledExpression condition = null;
            if (connection.condition() != null) {
                try {
                    condition = expressions.compile(connection.condition());
                } catch (ExpressionSyntaxException e) {
                    problems.add(new ScenarioProblem(path + ".condition", "expression does not parse: " + e.getMessage()));
                }
            }
            if (from != null && connection.on() == Connection.Outcome.ERROR) {
                OnError mode = nodes.get(from).onError();
                if (mode != OnError.ROUTE && mode != OnError.CONTINUE) {
                    problems.add(new ScenarioProblem(path + ".on", "error connection from '" + connection.fromNodeId()
                            + "' never fires: that node's onError is '" + mode.id() + "' (use route or continue)"));
                }
            }
            if (from != null && to != null) {
                compiledConnections.add(new CompiledConnection(compiledConnections.size(), connection, from, to, condition));
                outgoing.get(from).add(compiledConnections.size() - 1);
                incoming.get(to).add(compiledConnections.size() - 1);
            }
        }

        reportCycles(nodes, compiledConnections, outgoing, connectionPaths, connections, problems);

        List<CompiledNode> compiledNodes = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            CompiledNode node = compileNode(view, i, nodes.get(i), nodePaths.get(i), incoming.get(i), outgoing.get(i),
                    compiledConnections, problems);
            if (node != null) {
                compiledNodes.add(node);
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        List<PluginUsage> plugins = compiledNodes.stream().map(n -> n.action().integration().usage()).distinct().toList();
        return new CompiledScenario(scenario, compiledNodes, compiledConnections, indexById, plugins, ScenarioSnapshot.of(scenario));
    }

    private CompiledNode compileNode(IntegrationRegistry.View view, int index, Node node, String path, List<Integer> incoming,
            List<Integer> outgoing, List<CompiledConnection> connections, List<ScenarioProblem> problems) {
        var integration = view.find(node.integrationId());
        if (integration.isEmpty()) {
            problems.add(new ScenarioProblem(path + ".integrationId", "unknown integration '" + node.integrationId()
                    + "' (installed: " + view.all().stream().map(IntegrationRegistry.RegisteredIntegration::id).toList() + ")"));
            return null;
        }
        var manifest = integration.get().manifest();
        RegisteredAction action = view.action(node.integrationId(), node.actionId()).orElse(null);
        if (action == null) {
            problems.add(new ScenarioProblem(path + ".actionId", "integration '" + node.integrationId() + "' has no action '"
                    + node.actionId() + "' (actions: " + manifest.actions().stream().map(ActionDefinition::id).toList() + ")"));
            return null;
        }
        ActionDefinition definition = action.definition();
        if (manifest.connectionType() != null && node.connectionId() == null
                && manifest.connectionType().fields().stream().anyMatch(DynamicFieldConfig::required)) {
            problems.add(new ScenarioProblem(path + ".connectionId", "integration '" + node.integrationId() + "' needs a connection"));
        }
        if (manifest.connectionType() == null && node.connectionId() != null) {
            problems.add(new ScenarioProblem(path + ".connectionId", "integration '" + node.integrationId() + "' takes no connection"));
        }
        for (ConfigurationProblem problem : configurationValidator.validate(node.configuration(), definition, true)) {
            String field = problem.field().isEmpty() ? "" : "." + problem.field();
            problems.add(new ScenarioProblem(path + ".configuration" + field, problem.message()));
        }
        ObjectNode configuration = ((ObjectNode) node.configuration()).deepCopy();
        Set<String> bareKeys = new HashSet<>();
        for (DynamicFieldConfig field : definition.fields()) {
            if (field.ui().isJsonata()) {
                bareKeys.add(field.fieldName());
            }
            if (!configuration.has(field.fieldName()) && field.defaultValue() != null) {
                configuration.set(field.fieldName(), field.defaultValue());
            }
        }
        Map<String, ExpressionSyntaxException> templateProblems = new LinkedHashMap<>();
        ConfigurationTemplate template = ConfigurationTemplate.compile(configuration, bareKeys, expressions, templateProblems);
        templateProblems.forEach((field, e) ->
                problems.add(new ScenarioProblem(path + ".configuration" + field, e.getMessage())));
        RetryPolicy policy = node.retryPolicy() != null ? node.retryPolicy()
                : definition.defaultRetryPolicy() != null ? definition.defaultRetryPolicy()
                : RetryPolicy.PLATFORM_DEFAULT;
        int predecessors = (int) incoming.stream().map(c -> connections.get(c).from()).distinct().count();
        return new CompiledNode(index, node, action, template, policy, incoming, outgoing, predecessors);
    }

    /** Finds cycles with an iterative depth-first search; each back edge closes one cycle, reported with its nodes. */
    private static void reportCycles(List<Node> nodes, List<CompiledConnection> connections, List<List<Integer>> outgoing,
            List<String> connectionPaths, List<Connection> original, List<ScenarioProblem> problems) {
        int n = nodes.size();
        byte[] state = new byte[n]; // 0 new, 1 on the stack, 2 done
        int[] parentEdge = new int[n];
        Set<Set<Integer>> reported = new HashSet<>();
        Map<Connection, Integer> originalIndex = new HashMap<>();
        for (int i = 0; i < original.size(); i++) {
            originalIndex.putIfAbsent(original.get(i), i);
        }
        for (int start = 0; start < n && reported.size() < MAX_CYCLES_REPORTED; start++) {
            if (state[start] != 0) {
                continue;
            }
            Deque<int[]> stack = new ArrayDeque<>(); // {node, next outgoing position}
            stack.push(new int[] {start, 0});
            state[start] = 1;
            parentEdge[start] = -1;
            while (!stack.isEmpty()) {
                int[] frame = stack.peek();
                int node = frame[0];
                if (frame[1] == outgoing.get(node).size()) {
                    state[node] = 2;
                    stack.pop();
                    continue;
                }
                int edge = outgoing.get(node).get(frame[1]++);
                int next = connections.get(edge).to();
                if (state[next] == 0) {
                    state[next] = 1;
                    parentEdge[next] = edge;
                    stack.push(new int[] {next, 0});
                } else if (state[next] == 1) {
                    List<Integer> cycle = new ArrayList<>();
                    cycle.add(next);
                    for (int at = node; at != next; at = connections.get(parentEdge[at]).from()) {
                        cycle.add(1, at);
                    }
                    if (reported.add(new HashSet<>(cycle)) && reported.size() <= MAX_CYCLES_REPORTED) {
                        String names = cycle.stream().map(i -> nodes.get(i).id()).collect(Collectors.joining(" -> "))
                                + " -> " + nodes.get(next).id();
                        Integer at = originalIndex.get(connections.get(edge).connection());
                        String path = at == null ? "$.connections" : connectionPaths.get(at);
                        problems.add(new ScenarioProblem(path, "cycle: " + names + "; a scenario must be acyclic"));
                    }
                }
            }
        }
    }

    /** JSON paths of the parsed elements: their document index when the document is known and every entry parsed. */
    private static List<String> documentPaths(JsonNode document, String field, int parsedCount) {
        List<String> paths = new ArrayList<>(parsedCount);
        JsonNode array = document == null ? null : document.get(field);
        List<Integer> usable = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                boolean parsedOk = element.isObject() && (field.equals("nodes")
                        ? element.path("id").isTextual() && element.path("integrationId").isTextual() && element.path("actionId").isTextual()
                        : element.path("fromNodeId").isTextual() && element.path("toNodeId").isTextual());
                if (parsedOk) {
                    usable.add(i);
                }
            }
        }
        for (int i = 0; i < parsedCount; i++) {
            int documentIndex = usable.size() == parsedCount ? usable.get(i) : i;
            paths.add("$." + field + "[" + documentIndex + "]");
        }
        return paths;
    }
}
