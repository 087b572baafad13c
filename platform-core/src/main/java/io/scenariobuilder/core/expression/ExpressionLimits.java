package io.scenariobuilder.core.expression;

import java.time.Duration;

/**
 * What one JSONata evaluation may take: time, depth, memory, and the size of any one list or string it makes. A
 * breach fails the evaluation with an {@link ExpressionEvaluationException} naming the limit; nothing an editor types
 * can exhaust the heap or hold a thread for long.
 *
 * @param timeout the longest one evaluation may run ({@code SB_EXPRESSION_TIMEOUT})
 * @param maxDepth the deepest it may recurse ({@code SB_EXPRESSION_MAX_DEPTH})
 * @param maxBytes the most it may allocate, garbage included, measured on the evaluating thread
 *     ({@code SB_EXPRESSION_MAX_BYTES})
 * @param maxElements the most items one list it makes may hold (a range, a mapped sequence)
 * @param maxChars the longest string one step may make ({@code $pad}, {@code $join}, concatenation)
 */
public record ExpressionLimits(Duration timeout, int maxDepth, long maxBytes, long maxElements, long maxChars) {

    public ExpressionLimits {
        if (timeout.isNegative() || timeout.isZero() || maxDepth < 1 || maxBytes < 1 || maxElements < 1 || maxChars < 1) {
            throw new IllegalArgumentException("expression limits must be positive: " + timeout + ", " + maxDepth + ", " + maxBytes
                    + ", " + maxElements + ", " + maxChars);
        }
    }

    /**
     * Limits derived from a memory budget: lists up to one item per 32 bytes of it, strings up to one character per 16.
     *
     * @param maxBytes the budget; 0 takes a quarter of the heap (what an evaluation allocates counts its garbage too:
     *     building a 10 MB array allocates two to three times that)
     */
    public static ExpressionLimits of(Duration timeout, int maxDepth, long maxBytes) {
        long bytes = maxBytes > 0 ? maxBytes : Runtime.getRuntime().maxMemory() / 4;
        return new ExpressionLimits(timeout, maxDepth, bytes, Math.max(1_000, bytes / 32), Math.max(10_000, bytes / 16));
    }

    /** 1 s, depth 200, a quarter of the heap. */
    public static ExpressionLimits defaults() {
        return of(Duration.ofSeconds(1), 200, 0);
    }
}
