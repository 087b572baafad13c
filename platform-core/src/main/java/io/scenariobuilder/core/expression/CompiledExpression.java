package io.scenariobuilder.core.expression;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A parsed JSONata expression, safe to share between threads and evaluations.
 *
 * <p>JSONata works on plain Java values ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean});
 * see {@link JsonValues} for the conversions.
 */
public final class CompiledExpression {

    private final String source;
    private final Jsonata jsonata;

    CompiledExpression(String source, Jsonata jsonata) {
        this.source = Objects.requireNonNull(source);
        this.jsonata = Objects.requireNonNull(jsonata);
    }

    /** The expression's source text. */
    public String source() {
        return source;
    }

    /**
     * Evaluates against a document of plain Java values.
     *
     * @return the value as plain Java values; {@code null} when the expression yields nothing
     * @throws ExpressionEvaluationException when evaluation fails
     */
    public Object evaluate(Object document) {
        try {
            return jsonata.evaluate(document);
        } catch (JException e) {
            throw new ExpressionEvaluationException("expression '" + source + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ExpressionEvaluationException("expression '" + source + "' failed: " + e, e);
        }
    }

    /** Evaluates and converts the value to JSON ({@code null} when it yields nothing). */
    public JsonNode evaluateToJson(Object document) {
        return JsonValues.toJson(evaluate(document));
    }

    /** Evaluates and reads the value as a condition (JSONata's truthiness; nothing is false). */
    public boolean test(Object document) {
        Object value = evaluate(document);
        return value != null && Jsonata.boolize(value);
    }

    @Override
    public String toString() {
        return source;
    }
}
