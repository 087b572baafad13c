package io.scenariobuilder.core.expression;

import java.util.ArrayList;
import java.util.List;

/**
 * A configuration string with {@code {{ expr }}} parts. A string that is exactly one part keeps the expression's JSON
 * type; otherwise each part is written in as text.
 */
public sealed interface Template {

    /** Whether the text holds no expression at all. */
    default boolean isLiteral() {
        return this instanceof Literal;
    }

    /** A string without expressions. */
    record Literal(String text) implements Template {
    }

    /** A string that is exactly one {@code {{ expr }}} (surrounding white space allowed): the value keeps its type. */
    record Single(CompiledExpression expression) implements Template {
    }

    /** Text and expressions mixed: the result is a string. */
    record Mixed(List<Object> parts) implements Template {
        public Mixed {
            parts = List.copyOf(parts);
        }
    }

    /** Parses {@code text}; see {@link ExpressionCompiler#template}. */
    static Template parse(String text, ExpressionCompiler compiler) {
        int open = text.indexOf("{{");
        if (open < 0) {
            return new Literal(text);
        }
        List<Object> parts = new ArrayList<>();
        int cursor = 0;
        while (open >= 0) {
            if (open > cursor) {
                parts.add(text.substring(cursor, open));
            }
            int close = findClose(text, open + 2);
            if (close < 0) {
                throw new ExpressionSyntaxException("'{{' at position " + open + " is not closed by '}}'", open, null);
            }
            String source = text.substring(open + 2, close).trim();
            try {
                parts.add(compiler.compile(source));
            } catch (ExpressionSyntaxException e) {
                int inner = text.indexOf(source, open + 2);
                int position = e.position() < 0 ? open : inner + e.position();
                throw new ExpressionSyntaxException(
                        "expression '" + source + "' at position " + open + " does not parse: " + e.getMessage(), position, e);
            }
            cursor = close + 2;
            open = text.indexOf("{{", cursor);
        }
        if (cursor < text.length()) {
            parts.add(text.substring(cursor));
        }
        // Exactly one expression and nothing else but white space: the value keeps its JSON type.
        CompiledExpression only = null;
        for (Object part : parts) {
            if (part instanceof CompiledExpression expression) {
                if (only != null) {
                    return new Mixed(parts);
                }
                only = expression;
            } else if (!((String) part).isBlank()) {
                return new Mixed(parts);
            }
        }
        if (only != null) {
            return new Single(only);
        }
        return new Mixed(parts);
    }

    /**
     * Finds the {@code }}} that closes a part starting at {@code from}, skipping braces and quotes inside the
     * expression so that {@code {{ {'a': {'b': 1}} }}} works.
     */
    private static int findClose(String text, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '{' -> depth++;
                case '}' -> {
                    if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                        return i;
                    }
                    if (depth > 0) {
                        depth--;
                    }
                }
                default -> {
                }
            }
        }
        return -1;
    }
}
