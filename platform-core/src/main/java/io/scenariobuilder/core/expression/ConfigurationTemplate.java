package io.scenariobuilder.core.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A node's configuration with its templates parsed once. {@link #resolve} builds the configuration an action sees;
 * a configuration without templates is returned as it is, at no cost.
 *
 * <p>Fields whose spec marks a bare JSONata expression are not templates and are passed through untouched.
 */
public final class ConfigurationTemplate {

    private final JsonNode original;
    private final Part root;

    private ConfigurationTemplate(JsonNode original, Part root) {
        this.original = original;
        this.root = root;
    }

    /**
     * Parses every string of {@code configuration}, except the top-level keys in {@code bareKeys}.
     *
     * @param problems receives one entry per string that does not parse: the JSON path below the configuration
     *     (like {@code .url} or {@code .headers[2]}) and the error
     */
    public static ConfigurationTemplate compile(
            JsonNode configuration, java.util.Set<String> bareKeys, ExpressionCompiler compiler,
            Map<String, ExpressionSyntaxException> problems) {
        Part root = compileObjectTop(configuration, bareKeys, compiler, problems);
        return new ConfigurationTemplate(configuration, root);
    }

    /** Whether any template needs evaluating. */
    public boolean isConstant() {
        return root == null;
    }

    /**
     * Resolves the templates against the expression document.
     *
     * @param document supplies the expression document; called at most once, and only when there are templates
     * @throws ExpressionEvaluationException when an expression fails
     */
    public JsonNode resolve(Supplier<Object> document) {
        return resolve(document, nothing -> { });
    }

    /**
     * Resolves the templates, telling {@code nothing} of each expression that resolved to nothing (JSONata's
     * undefined: a path that is not in the data). Such an expression still gives {@code null} when it is the whole
     * string and an empty string inside text, as JSONata does; the engine logs a warning so that a misspelled path is
     * seen. {@code nothing} may be called on any thread that resolves.
     */
    public JsonNode resolve(Supplier<Object> document, Consumer<Unresolved> nothing) {
        if (root == null) {
            return original;
        }
        return root.resolve(document.get(), nothing);
    }

    /**
     * An expression that resolved to nothing.
     *
     * @param field where in the configuration ({@code message}, {@code headers.x}, {@code items[2]})
     * @param expression the expression's source, as written between the braces
     */
    public record Unresolved(String field, String expression) {
    }

    private interface Part {
        JsonNode resolve(Object document, Consumer<Unresolved> nothing);
    }

    private static Part compileObjectTop(JsonNode node, java.util.Set<String> bareKeys, ExpressionCompiler compiler,
            Map<String, ExpressionSyntaxException> problems) {
        if (!node.isObject()) {
            return compileNode(node, "", compiler, problems);
        }
        Map<String, Part> parts = new LinkedHashMap<>();
        boolean any = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Part part = bareKeys.contains(entry.getKey())
                    ? null
                    : compileNode(entry.getValue(), "." + entry.getKey(), compiler, problems);
            any |= part != null;
            parts.put(entry.getKey(), part != null ? part : constant(entry.getValue()));
        }
        return any ? objectPart(parts) : null;
    }

    /** Returns null when the subtree holds no template. */
    private static Part compileNode(JsonNode node, String path, ExpressionCompiler compiler,
            Map<String, ExpressionSyntaxException> problems) {
        if (node.isTextual()) {
            String text = node.textValue();
            if (!text.contains("{{")) {
                return null;
            }
            Template template;
            try {
                template = compiler.template(text);
            } catch (ExpressionSyntaxException e) {
                problems.put(path, e);
                return null;
            }
            return switch (template) {
                case Template.Literal literal -> null;
                case Template.Single single -> (document, nothing) -> JsonValues.toJson(evaluate(single.expression(), document, path, nothing));
                case Template.Mixed mixed -> (document, nothing) -> {
                    StringBuilder out = new StringBuilder();
                    for (Object part : mixed.parts()) {
                        if (part instanceof CompiledExpression expression) {
                            out.append(JsonValues.toTemplateText(evaluate(expression, document, path, nothing)));
                        } else {
                            out.append((String) part);
                        }
                    }
                    return JsonNodeFactory.instance.textNode(out.toString());
                };
            };
        }
        if (node.isObject()) {
            Map<String, Part> parts = new LinkedHashMap<>();
            boolean any = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Part part = compileNode(entry.getValue(), path + "." + entry.getKey(), compiler, problems);
                any |= part != null;
                parts.put(entry.getKey(), part != null ? part : constant(entry.getValue()));
            }
            return any ? objectPart(parts) : null;
        }
        if (node.isArray()) {
            List<Part> parts = new ArrayList<>(node.size());
            boolean any = false;
            for (int i = 0; i < node.size(); i++) {
                Part part = compileNode(node.get(i), path + "[" + i + "]", compiler, problems);
                any |= part != null;
                parts.add(part != null ? part : constant(node.get(i)));
            }
            if (!any) {
                return null;
            }
            return (document, nothing) -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode(parts.size());
                for (Part part : parts) {
                    array.add(part.resolve(document, nothing));
                }
                return array;
            };
        }
        return null;
    }

    private static Part objectPart(Map<String, Part> parts) {
        return (document, nothing) -> {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, Part> entry : parts.entrySet()) {
                object.set(entry.getKey(), entry.getValue().resolve(document, nothing));
            }
            return object;
        };
    }

    private static Part constant(JsonNode value) {
        return (document, nothing) -> value;
    }

    /** Evaluates one expression; undefined (Java's {@code null}, unlike JSONata's {@code null}) is told to {@code nothing}. */
    private static Object evaluate(CompiledExpression expression, Object document, String path, Consumer<Unresolved> nothing) {
        Object value = expression.evaluate(document);
        if (value == null) {
            nothing.accept(new Unresolved(path.startsWith(".") ? path.substring(1) : path, expression.source().strip()));
        }
        return value;
    }
}
