package io.scenariobuilder.core.expression;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Parser;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Keeps one evaluation within its {@link ExpressionLimits}, from the library's own per-evaluation hooks: a frame's
 * entry and exit callbacks (called around every step) check the time, the depth, the bytes the evaluating thread has
 * allocated since the start, and the size of what each step returned; {@code $pad} and {@code $join} are bound to
 * versions that refuse a result past the string limit before allocating it (one call, no step in between), and
 * {@code $pad} no longer allocates hundreds of times its result (the library's builds it a character at a time).
 *
 * <p>Written here rather than with {@code Frame.setRuntimeBounds}: a frame has one entry and one exit callback, and
 * the library's time and depth bounds take both, leaving no room for the memory check; this does all three.
 * Allocation is measured with {@code com.sun.management.ThreadMXBean}, which platform threads support (the engine's
 * threads); on a virtual thread it is not available, and the list and string caps and the time limit remain.
 */
final class EvaluationBudget {

    private static final com.sun.management.ThreadMXBean THREADS = threads();
    /** Allocation is read every this many steps (reading it costs a few tens of nanoseconds). */
    private static final int MEMORY_EVERY = 16;

    /** Past the time limit in wall time, an evaluation that had less CPU time goes on up to this many times it. */
    private static final int WALL_FACTOR = 10;
    /** Wall time after which CPU time is read. */
    private static final long CPU_FROM = 10_000_000;

    private final ExpressionLimits limits;
    private final long started = System.nanoTime();
    /** The thread's CPU time once the evaluation passed {@link #CPU_FROM}; 0 before, -1 where it is not measured. */
    private long cpuMark;
    private final long allocatedAtStart;
    private int depth;
    private int steps;

    private EvaluationBudget(ExpressionLimits limits) {
        this.limits = limits;
        this.allocatedAtStart = allocated();
    }

    /** The budget of the evaluation running on this thread, for the bound functions (made once: a signature parses slowly). */
    private static final ThreadLocal<EvaluationBudget> CURRENT = new ThreadLocal<>();
    private static final Jsonata.JFunction PAD = new Jsonata.JFunction((input, args) -> CURRENT.get().pad(args), "<s-ns?:s>");
    private static final Jsonata.JFunction JOIN = new Jsonata.JFunction((input, args) -> CURRENT.get().join(args), "<a<s>s?:s>");

    /** Evaluates {@code jsonata} on {@code document} with the limits in force. */
    static Object evaluate(Jsonata jsonata, Object document, ExpressionLimits limits) {
        EvaluationBudget budget = new EvaluationBudget(limits);
        Jsonata.Frame frame = jsonata.createFrame();
        frame.setEvaluateEntryCallback(budget::enter);
        frame.setEvaluateExitCallback(budget::exit);
        frame.bind("pad", PAD);
        frame.bind("join", JOIN);
        EvaluationBudget outer = CURRENT.get();
        CURRENT.set(budget);
        try {
            return jsonata.evaluate(document, frame);
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    private void enter(Parser.Symbol expression, Object input, Jsonata.Frame environment) {
        if (environment.isParallelCall) {
            return;
        }
        if (++depth > limits.maxDepth()) {
            throw new LimitException("it recursed deeper than " + limits.maxDepth() + " levels (SB_EXPRESSION_MAX_DEPTH)");
        }
        check();
    }

    private void exit(Parser.Symbol expression, Object input, Jsonata.Frame environment, Object result) {
        if (environment.isParallelCall) {
            return;
        }
        depth--;
        if (result instanceof List<?> list && list.size() > limits.maxElements()) {
            throw new LimitException("one step made a list of " + list.size() + " items, more than " + limits.maxElements()
                    + " (a share of SB_EXPRESSION_MAX_BYTES)");
        }
        if (result instanceof String text && text.length() > limits.maxChars()) {
            throw new LimitException("one step made a string of " + text.length() + " characters, more than " + limits.maxChars()
                    + " (a share of SB_EXPRESSION_MAX_BYTES)");
        }
        check();
    }

    private void check() {
        // Checks cost time too: the clock and the thread's counters are read every few steps, not at each.
        int step = ++steps;
        if ((step & 7) != 0) {
            return;
        }
        InlineEvaluation.check();
        long wall = System.nanoTime() - started;
        // The limit is the evaluating thread's CPU time, so that a garbage collection or a busy machine that holds the
        // thread does not count against the expression. Reading CPU time costs about 0.4 µs, so it is read only for
        // evaluations that ran past 10 ms, from then on (the first 10 ms counted as spent); wall time alone stops one
        // at ten times the limit.
        if (wall > CPU_FROM) {
            if (cpuMark == 0) {
                cpuMark = cpuTime();
            }
            long limit = limits.timeout().toNanos();
            if (wall > limit * WALL_FACTOR) {
                throw timedOut();
            }
            if (wall > limit && (step & 127) == 0) {
                long cpu = cpuMark < 0 ? wall : CPU_FROM + cpuTime() - cpuMark;
                if (cpu > limit) {
                    throw timedOut();
                }
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new LimitException("it was interrupted (the node was cancelled or timed out)");
        }
        if ((step & (MEMORY_EVERY - 1)) == 0 && allocatedAtStart >= 0) {
            long used = allocated() - allocatedAtStart;
            if (used > limits.maxBytes()) {
                throw new LimitException("it allocated more than " + limits.maxBytes() + " bytes (SB_EXPRESSION_MAX_BYTES)");
            }
        }
    }

    private LimitException timedOut() {
        return new LimitException("it ran longer than " + limits.timeout().toMillis() + " ms (SB_EXPRESSION_TIMEOUT)");
    }

    private Object pad(List<?> args) {
        String text = (String) args.get(0);
        Number width = (Number) args.get(1);
        if (text == null) {
            return null;
        }
        if (width != null && Math.abs(width.doubleValue()) > limits.maxChars()) {
            throw new LimitException("$pad to " + width + " characters is more than " + limits.maxChars()
                    + " (a share of SB_EXPRESSION_MAX_BYTES)");
        }
        return pad(text, width == null ? 0 : width.intValue(), args.size() > 2 ? (String) args.get(2) : null);
    }

    /**
     * JSONata's {@code $pad}: {@code text} padded with {@code padding} (default a space) to {@code |width|} characters
     * (code points), on the right for a positive width, on the left for a negative one. The library's own version
     * allocates about 500 bytes per character of padding; this one, the result once.
     */
    static String pad(String text, int width, String padding) {
        String with = padding == null || padding.isEmpty() ? " " : padding;
        int missing = Math.abs(width) - text.codePointCount(0, text.length());
        if (missing <= 0) {
            return text;
        }
        int unit = with.codePointCount(0, with.length());
        String repeated = with.repeat((missing + unit - 1) / unit);
        String fill = repeated.substring(0, repeated.offsetByCodePoints(0, missing));
        return width > 0 ? text + fill : fill + text;
    }

    @SuppressWarnings("unchecked")
    private Object join(List<?> args) {
        List<String> parts = (List<String>) args.get(0);
        String separator = args.size() > 1 && args.get(1) != null ? (String) args.get(1) : "";
        if (parts == null) {
            return null;
        }
        long length = (long) separator.length() * Math.max(0, parts.size() - 1);
        for (String part : parts) {
            length += part == null ? 0 : part.length();
            if (length > limits.maxChars()) {
                throw new LimitException("$join would make a string of more than " + limits.maxChars()
                        + " characters (a share of SB_EXPRESSION_MAX_BYTES)");
            }
        }
        return Functions.join(parts, separator);
    }

    /** The CPU time of the current thread so far, or -1 where it is not measured. */
    private static long cpuTime() {
        if (THREADS == null || Thread.currentThread().isVirtual() || !THREADS.isCurrentThreadCpuTimeSupported()) {
            return -1;
        }
        return THREADS.getCurrentThreadCpuTime();
    }

    /** The bytes the current thread has allocated so far, or -1 where that is not measured (a virtual thread). */
    static long allocated() {
        if (THREADS == null || Thread.currentThread().isVirtual()) {
            return -1;
        }
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported()) {
            if (!bean.isThreadAllocatedMemoryEnabled()) {
                bean.setThreadAllocatedMemoryEnabled(true);
            }
            return bean;
        }
        return null;
    }

    /** A limit was passed; the evaluation stops. */
    static final class LimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message, null, false, false);
        }
    }
}
