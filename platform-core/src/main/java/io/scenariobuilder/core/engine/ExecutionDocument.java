package io.scenariobuilder.core.engine;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Builds the document every expression sees:
 * {@code { trigger, nodes: { <id>: { output, status, error } }, execution: { id, scenarioId, startTime }, input }}.
 * Nodes not started yet are absent from {@code nodes}. A node's output is converted for JSONata only when an
 * expression reads that node, so large outputs nobody reads cost nothing here.
 */
final class ExecutionDocument {

    private final Object trigger;
    private final Map<String, Object> execution;
    private final Map<String, Integer> indexById;
    private final AtomicReferenceArray<NodeView> views;

    ExecutionDocument(Object trigger, Map<String, Object> execution, Map<String, Integer> indexById,
            AtomicReferenceArray<NodeView> views) {
        this.trigger = trigger;
        this.execution = execution;
        this.indexById = indexById;
        this.views = views;
    }

    /** A document with this {@code input}; safe to call from any thread. */
    Map<String, Object> with(Object input) {
        Map<String, Object> document = new HashMap<>(8);
        document.put("trigger", trigger);
        document.put("nodes", new Nodes());
        document.put("execution", execution);
        document.put("input", input);
        return document;
    }

    /** {@code nodes}, converting a node's view when it is read. */
    private final class Nodes extends AbstractMap<String, Object> {

        @Override
        public Object get(Object key) {
            Integer index = indexById.get(key);
            if (index == null) {
                return null;
            }
            NodeView view = views.get(index);
            return view == null ? null : view.java();
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        /** The started nodes in the scenario's order ({@code indexById}'s own order changes from one run to the next). */
        @Override
        public Set<Entry<String, Object>> entrySet() {
            String[] ids = new String[views.length()];
            indexById.forEach((id, index) -> ids[index] = id);
            Map<String, Object> all = new LinkedHashMap<>();
            for (int index = 0; index < ids.length; index++) {
                NodeView view = views.get(index);
                if (view != null) {
                    all.put(ids[index], view.java());
                }
            }
            return all.entrySet();
        }
    }
}
