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
    private static final int MEMORY_EVERY = 4;

    /** Past the time limit in wall time, an evaluation that had less CPU time goes on up to this many times it. */
    private static final int WALL_FACTOR = 10;

    private final ExpressionLimits limits;
    private final long started = System.nanoTime();
    private final long cpuAtStart;
    private final long allocatedAtStart;
    private int depth;
    private int steps;

    private EvaluationBudget(ExpressionLimits limits) {
        this.limits = limits;
        this.allocatedAtStart = allocated();
        this.cpuAtStart = cpuTime();
    }

    /** A frame for one evaluation of {@code jsonata}, with the limits in force. */
    static Jsonata.Frame frame(Jsonata jsonata, ExpressionLimits limits) {
        EvaluationBudget budget = new EvaluationBudget(limits);
        Jsonata.Frame frame = jsonata.createFrame();
        frame.setEvaluateEntryCallback(budget::enter);
        frame.setEvaluateExitCallback(budget::exit);
        frame.bind("pad", new Jsonata.JFunction((input, args) -> budget.pad(args), "<s-ns?:s>"));
        frame.bind("join", new Jsonata.JFunction((input, args) -> budget.join(args), "<a<s>s?:s>"));
        return frame;
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
        InlineEvaluation.check();
        long wall = System.nanoTime() - started;
        long limit = limits.timeout().toNanos();
        // The limit is the evaluating thread's CPU time: a garbage collection or a busy machine that holds the thread
        // does not count against the expression. Wall time is read first (cheap); CPU time only once it is past the
        // limit; and wall time alone stops it at ten times the limit.
        if (wall > limit && (steps % 16 == 0 || wall > limit * WALL_FACTOR)) {
            long cpu = cpuAtStart < 0 ? wall : cpuTime() - cpuAtStart;
            if (cpu > limit || wall > limit * WALL_FACTOR) {
                throw new LimitException("it ran longer than " + limits.timeout().toMillis() + " ms (SB_EXPRESSION_TIMEOUT)");
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new LimitException("it was interrupted (the node was cancelled or timed out)");
        }
        if (++steps % MEMORY_EVERY == 0 && allocatedAtStart >= 0) {
            long used = allocated() - allocatedAtStart;
            if (used > limits.maxBytes()) {
                throw new LimitException("it allocated more than " + limits.maxBytes() + " bytes (SB_EXPRESSION_MAX_BYTES)");
            }
        }
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
