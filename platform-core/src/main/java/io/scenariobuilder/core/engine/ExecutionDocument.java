package io.scenariobuilder.core.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Builds the document every expression sees:
 * {@code { trigger, nodes: { <id>: { output, status, error } }, execution: { id, scenarioId, startTime }, input }}.
 * Nodes not started yet are absent from {@code nodes}.
 */
final class ExecutionDocument {

    private final Object trigger;
    private final Map<String, Object> execution;
    private final String[] nodeIds;
    private final AtomicReferenceArray<NodeView> views;

    ExecutionDocument(Object trigger, Map<String, Object> execution, String[] nodeIds, AtomicReferenceArray<NodeView> views) {
        this.trigger = trigger;
        this.execution = execution;
        this.nodeIds = nodeIds;
        this.views = views;
    }

    /** A document with this {@code input}; safe to call from any thread. */
    Map<String, Object> with(Object input) {
        Map<String, Object> nodes = new HashMap<>(nodeIds.length * 2);
        for (int i = 0; i < nodeIds.length; i++) {
            NodeView view = views.get(i);
            if (view != null) {
                nodes.put(nodeIds[i], view.java());
            }
        }
        Map<String, Object> document = new HashMap<>(8);
        document.put("trigger", trigger);
        document.put("nodes", nodes);
        document.put("execution", execution);
        document.put("input", input);
        return document;
    }
}
