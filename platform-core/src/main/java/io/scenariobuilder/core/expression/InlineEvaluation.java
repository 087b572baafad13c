package io.scenariobuilder.core.expression;

import java.util.concurrent.Callable;

/**
 * Evaluation on a thread that must not be held long (the engine's, which run every execution's state machine): work
 * is tried there under a short budget ({@link #BUDGET_NANOS}, {@link #BUDGET_BYTES}); an expression that runs past it
 * is stopped, and the caller does the work again on the expression threads under the full {@link ExpressionLimits}.
 * Expressions have no side effects, so running one again is safe; the quick ones (nearly all) never leave the
 * engine's thread, and the big ones are built a few at a time, on the expression threads, not on every engine thread
 * at once.
 */
public final class InlineEvaluation {

    /** How long work may evaluate on an engine thread before it is moved: 5 ms. */
    public static final long BUDGET_NANOS = 5_000_000;

    /** How much it may allocate there before it is moved: 4 MB. */
    public static final long BUDGET_BYTES = 4L * 1024 * 1024;

    /**
     * The inline attempt on this thread: its deadline, whether it was passed, the thread's allocation at its start
     * (-1 when unknown) and a step count; absent outside one.
     */
    private static final ThreadLocal<long[]> ATTEMPT = new ThreadLocal<>();

    /** The allocation slot of an attempt not yet read. */
    private static final long UNREAD = Long.MIN_VALUE;

    /** What an inline attempt gave: too slow (do it elsewhere), or its value or failure. */
    public record Outcome<T>(boolean tooSlow, T value, Throwable failure) {
    }

    private InlineEvaluation() {
    }

    /**
     * Runs {@code work} here with the inline budget. The outcome is {@code tooSlow} when an evaluation inside it ran past
     * the budget, whatever {@code work} then returned or threw (an action may have caught the stop).
     */
    public static <T> Outcome<T> attempt(Callable<T> work) {
        long[] previous = ATTEMPT.get();
        // The thread's allocation is read at the first check (most attempts evaluate nothing, or too little to check).
        long[] attempt = {System.nanoTime() + BUDGET_NANOS, 0, UNREAD, 0};
        ATTEMPT.set(attempt);
        try {
            T value = work.call();
            return attempt[1] != 0 ? new Outcome<>(true, null, null) : new Outcome<>(false, value, null);
        } catch (Throwable t) {
            return attempt[1] != 0 ? new Outcome<>(true, null, null) : new Outcome<>(false, null, t);
        } finally {
            if (previous == null) {
                ATTEMPT.remove();
            } else {
                ATTEMPT.set(previous);
            }
        }
    }

    /** Called by the evaluation budget at each step: stops the evaluation when the inline attempt ran out. */
    static void check() {
        long[] attempt = ATTEMPT.get();
        if (attempt == null) {
            return;
        }
        if (attempt[2] == UNREAD) {
            attempt[2] = EvaluationBudget.allocated();
        }
        if (System.nanoTime() - attempt[0] > 0
                || (++attempt[3] % 2 == 0 && attempt[2] >= 0 && EvaluationBudget.allocated() - attempt[2] > BUDGET_BYTES)) {
            attempt[1] = 1;
            throw new TooSlow();
        }
    }

    /** The inline attempt ran out; the evaluation is done again elsewhere. */
    public static final class TooSlow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSlow() {
            super("too slow for an engine thread", null, false, false);
        }
    }
}
