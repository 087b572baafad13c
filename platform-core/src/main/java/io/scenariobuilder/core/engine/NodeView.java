package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.expression.JsonValues;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable picture of one node for expressions ({@code nodes.<id>}): {@code output}, {@code status},
 * {@code error}. Replaced, never changed, when the node changes, so any thread may read it.
 */
final class NodeView {

    /** Outputs up to this size (estimated bytes) keep their converted form; larger ones are converted per read. */
    private static final long KEEP_CONVERTED_BYTES = 1 << 20;

    private final NodeStatus status;
    private final JsonNode output;
    private final JsonNode error;
    private final boolean keepConverted;
    private volatile Map<String, Object> java;

    NodeView(NodeStatus status, JsonNode output, JsonNode error, long outputBytes) {
        this.status = status;
        this.output = output;
        this.error = error;
        this.keepConverted = outputBytes <= KEEP_CONVERTED_BYTES;
    }

    /**
     * The plain Java form JSONata reads: converted once and kept (a benign race: conversions are equal), except for
     * large outputs, which would otherwise be held twice while the execution runs.
     */
    Map<String, Object> java() {
        Map<String, Object> map = java;
        if (map == null) {
            map = new HashMap<>(4);
            map.put("status", status.id());
            map.put("output", JsonValues.toJava(output));
            map.put("error", JsonValues.toJava(error));
            if (keepConverted) {
                java = map;
            }
        }
        return map;
    }
}
