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
    private final ExpressionLimits limits;

    CompiledExpression(String source, Jsonata jsonata, ExpressionLimits limits) {
        this.source = Objects.requireNonNull(source);
        this.jsonata = Objects.requireNonNull(jsonata);
        this.limits = Objects.requireNonNull(limits);
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
            return EvaluationBudget.evaluate(jsonata, document, limits);
        } catch (InlineEvaluation.TooSlow e) {
            throw e; // done again off the engine's thread
        } catch (EvaluationBudget.LimitException e) {
            throw new ExpressionEvaluationException("expression '" + shortSource() + "' was stopped: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // One step allocated past the heap before a check could see it: this evaluation's garbage is already
            // unreachable, so the server goes on; the node fails like any breach of the limits.
            throw new ExpressionEvaluationException("expression '" + shortSource() + "' was stopped: it ran out of memory "
                    + "(lower what it builds; SB_EXPRESSION_MAX_BYTES)", null);
        } catch (JException e) {
            throw new ExpressionEvaluationException("expression '" + source + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ExpressionEvaluationException("expression '" + source + "' failed: " + e, e);
        }
    }

    /** The source, cut to 200 characters for messages. */
    private String shortSource() {
        return source.length() <= 200 ? source : source.substring(0, 200) + "...";
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
