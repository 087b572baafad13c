package io.scenariobuilder.core.expression;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * A rough estimate of how much heap a JSON tree takes: enough to bound what executions hold in memory, cheap
 * enough (one pass, no allocation per node beyond a stack) for every node output.
 */
public final class JsonSizes {

    private JsonSizes() {
    }

    /** Approximate heap bytes of {@code node}. */
    public static long estimate(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isValueNode()) {
            return node.isTextual() ? 48 + node.textValue().length() : 24;
        }
        long bytes = 0;
        ArrayDeque<JsonNode> stack = new ArrayDeque<>();
        stack.push(node);
        while (!stack.isEmpty()) {
            JsonNode current = stack.pop();
            switch (current.getNodeType()) {
                case OBJECT -> {
                    bytes += 64;
                    for (Iterator<Map.Entry<String, JsonNode>> it = current.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> field = it.next();
                        bytes += 48 + field.getKey().length();
                        stack.push(field.getValue());
                    }
                }
                case ARRAY -> {
                    bytes += 32 + 8L * current.size();
                    current.forEach(stack::push);
                }
                case STRING -> bytes += 48 + current.textValue().length();
                default -> bytes += 24;
            }
        }
        return bytes;
    }
}
