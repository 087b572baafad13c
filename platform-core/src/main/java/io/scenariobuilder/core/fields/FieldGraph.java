package io.scenariobuilder.core.fields;

import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the fields of one action depend on each other through {@code fetchOptions.dependsOn}: checked when a plugin
 * loads (a cycle, a dependency on an unknown field, or a fetched field without a provider refuses the plugin), and the
 * order in which a form asks for them: every field after the fields it depends on, otherwise as declared.
 *
 * @param resolveOrder every field name, dependencies first
 * @param checkedFields the fields whose value must be one of the fetched options (select or multi-select, fetched,
 *     custom values not allowed), in resolve order
 */
public record FieldGraph(List<String> resolveOrder, List<String> checkedFields) {

    public FieldGraph {
        resolveOrder = List.copyOf(resolveOrder);
        checkedFields = List.copyOf(checkedFields);
    }

    /**
     * The graph of {@code action}'s fields.
     *
     * @throws FieldDependencyException naming the fields, when a dependency is unknown, a field depends on itself, the
     *     dependencies form a cycle, or a field with {@code fetchOptions} has no options provider
     */
    public static FieldGraph of(ActionDefinition action) {
        Map<String, DynamicFieldConfig> byName = new LinkedHashMap<>();
        for (DynamicFieldConfig field : action.fields()) {
            byName.put(field.fieldName(), field);
        }
        List<String> problems = new ArrayList<>();
        for (DynamicFieldConfig field : action.fields()) {
            if (field.fetchOptions() == null) {
                continue;
            }
            if (!action.optionsProviders().containsKey(field.fieldName())) {
                problems.add("field '" + field.fieldName() + "' fetches its options but the action registers no options provider "
                        + "for it (ActionDefinition.Builder.optionsProvider)");
            }
            for (String dependency : field.fetchOptions().dependsOn()) {
                if (dependency.equals(field.fieldName())) {
                    problems.add("field '" + field.fieldName() + "' depends on itself");
                } else if (!byName.containsKey(dependency)) {
                    problems.add("field '" + field.fieldName() + "' depends on unknown field '" + dependency + "' (fields: "
                            + byName.keySet() + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new FieldDependencyException("action '" + action.id() + "': " + String.join("; ", problems));
        }
        List<String> order = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 being visited, 2 done
        for (String name : byName.keySet()) {
            visit(name, byName, state, new ArrayList<>(), order, action.id());
        }
        List<String> checked = new ArrayList<>();
        for (String name : order) {
            DynamicFieldConfig field = byName.get(name);
            if (field.fetchOptions() != null && !field.fetchOptions().allowCustom()
                    && (field.type() == FieldType.SELECT || field.type() == FieldType.MULTI_SELECT)) {
                checked.add(name);
            }
        }
        return new FieldGraph(order, checked);
    }

    /** Depth-first, dependencies first; {@code path} is the chain being visited, to name a cycle. */
    private static void visit(String name, Map<String, DynamicFieldConfig> byName, Map<String, Integer> state, List<String> path,
            List<String> order, String actionId) {
        Integer seen = state.get(name);
        if (seen != null && seen == 2) {
            return;
        }
        if (seen != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new FieldDependencyException("action '" + actionId + "': the fields' dependencies form a cycle: "
                    + String.join(" -> ", cycle) + " (each depends on the next through fetchOptions.dependsOn)");
        }
        state.put(name, 1);
        path.add(name);
        DynamicFieldConfig field = byName.get(name);
        if (field.fetchOptions() != null) {
            for (String dependency : field.fetchOptions().dependsOn()) {
                visit(dependency, byName, state, path, order, actionId);
            }
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        order.add(name);
    }
}
