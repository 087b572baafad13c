package io.scenariobuilder.core.expression;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Jackson trees (how the engine stores data) and the plain Java values JSONata evaluates.
 *
 * <p>Written by hand rather than with {@code ObjectMapper.convertValue}: it is several times faster on the small
 * documents of a node, and it maps JSONata's own null marker and number types exactly.
 */
public final class JsonValues {

    private static final JsonNodeFactory FACTORY = JsonNodeFactory.instance;
    private static final double MAX_EXACT_DOUBLE = 9_007_199_254_740_992d; // 2^53

    private JsonValues() {
    }

    /** JSON to plain Java: objects to {@code Map}, arrays to {@code List}, JSON null to {@code null}. */
    public static Object toJava(JsonNode node) {
        if (node == null) {
            return null;
        }
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 2));
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), toJava(entry.getValue()));
                }
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(toJava(element));
                }
                yield list;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> {
                if (node.isInt()) {
                    yield node.intValue();
                }
                if (node.isLong()) {
                    yield node.longValue();
                }
                yield node.doubleValue();
            }
            case BINARY, POJO -> node.toString();
            case NULL, MISSING -> null;
        };
    }

    /**
     * Plain Java to JSON. Whole doubles become integers ({@code 2}, not {@code 2.0}), as in JavaScript's JSON.
     *
     * @return the JSON value; {@link NullNode} for {@code null} and JSONata's null
     * @throws ExpressionEvaluationException for values JSON cannot hold (functions, infinities)
     */
    public static JsonNode toJson(Object value) {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String s) {
            return FACTORY.textNode(s);
        }
        if (value instanceof Boolean b) {
            return FACTORY.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return FACTORY.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long l) {
            return FACTORY.numberNode(l);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ExpressionEvaluationException("the value " + d + " cannot be represented in JSON", null);
            }
            if (d == Math.rint(d) && Math.abs(d) < MAX_EXACT_DOUBLE) {
                long l = (long) d;
                return l == (int) l ? FACTORY.numberNode((int) l) : FACTORY.numberNode(l);
            }
            return FACTORY.numberNode(d);
        }
        if (value instanceof BigDecimal bd) {
            return FACTORY.numberNode(bd);
        }
        if (value instanceof BigInteger bi) {
            return FACTORY.numberNode(bi);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = FACTORY.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                object.set(String.valueOf(entry.getKey()), toJson(entry.getValue()));
            }
            return object;
        }
        if (value instanceof Iterable<?> iterable) {
            ArrayNode array = FACTORY.arrayNode();
            for (Object element : iterable) {
                array.add(toJson(element));
            }
            return array;
        }
        if (value instanceof Object[] elements) {
            ArrayNode array = FACTORY.arrayNode();
            for (Object element : elements) {
                array.add(toJson(element));
            }
            return array;
        }
        if (value instanceof Number n) {
            return FACTORY.numberNode(n.doubleValue());
        }
        if (value instanceof Character c) {
            return FACTORY.textNode(c.toString());
        }
        throw new ExpressionEvaluationException(
                "the expression yields a " + value.getClass().getSimpleName() + " (a function?), not a JSON value", null);
    }

    /** The text a value takes inside a mixed template: strings as they are, other values as JSON. */
    public static String toTemplateText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        JsonNode node = toJson(value);
        return node.isTextual() ? node.textValue() : node.toString();
    }
}
