package io.scenariobuilder.core.expression;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.concurrent.ExecutionException;

/**
 * Parses JSONata expressions and {@code {{ }}} templates. Parsed expressions are cached by source text, so the same
 * expression in many scenarios, versions and nodes is parsed once.
 */
public final class ExpressionCompiler {

    private final Cache<String, CompiledExpression> cache;
    private final ExpressionLimits limits;

    public ExpressionCompiler() {
        this(10_000);
    }

    public ExpressionCompiler(long maxCachedExpressions) {
        this(maxCachedExpressions, ExpressionLimits.defaults());
    }

    /** A compiler whose expressions evaluate within {@code limits}. */
    @jakarta.inject.Inject
    public ExpressionCompiler(ExpressionLimits limits) {
        this(10_000, limits);
    }

    public ExpressionCompiler(long maxCachedExpressions, ExpressionLimits limits) {
        this.cache = CacheBuilder.newBuilder().maximumSize(maxCachedExpressions).build();
        this.limits = limits;
    }

    /** The limits every evaluation runs within. */
    public ExpressionLimits limits() {
        return limits;
    }

    /**
     * Parses a bare JSONata expression.
     *
     * @throws ExpressionSyntaxException when it does not parse; the position is the offset in {@code source}
     */
    public CompiledExpression compile(String source) {
        try {
            return cache.get(source, () -> parse(source, limits));
        } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
            if (e.getCause() instanceof ExpressionSyntaxException syntax) {
                throw syntax;
            }
            throw new IllegalStateException("could not parse expression '" + source + "'", e.getCause());
        }
    }

    private static CompiledExpression parse(String source, ExpressionLimits limits) {
        if (source.isBlank()) {
            throw new ExpressionSyntaxException("empty expression", 0, null);
        }
        try {
            return new CompiledExpression(source, Jsonata.jsonata(source), limits);
        } catch (JException e) {
            int position = Math.max(0, Math.min(e.getLocation(), source.length()));
            throw new ExpressionSyntaxException(e.getMessage() + " (at position " + position + ")", position, e);
        } catch (RuntimeException e) {
            // The parser also throws plain runtime exceptions on some malformed input.
            throw new ExpressionSyntaxException(String.valueOf(e.getMessage()), -1, e);
        }
    }

    /**
     * Parses a string that may hold {@code {{ expr }}} parts.
     *
     * @throws ExpressionSyntaxException when a part does not parse or a {@code {{} is not closed; the position is the
     *     offset in {@code text}
     */
    public Template template(String text) {
        return Template.parse(text, this);
    }
}
