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

    private final NodeStatus status;
    private final JsonNode output;
    private final JsonNode error;
    private volatile Map<String, Object> java;

    NodeView(NodeStatus status, JsonNode output, JsonNode error) {
        this.status = status;
        this.output = output;
        this.error = error;
    }

    /** The plain Java form JSONata reads, converted once on first use (a benign race: conversions are equal). */
    Map<String, Object> java() {
        Map<String, Object> map = java;
        if (map == null) {
            map = new HashMap<>(4);
            map.put("status", status.id());
            map.put("output", JsonValues.toJava(output));
            map.put("error", JsonValues.toJava(error));
            java = map;
        }
        return map;
    }
}
