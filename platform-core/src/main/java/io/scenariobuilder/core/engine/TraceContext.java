package io.scenariobuilder.core.engine;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The W3C trace an execution belongs to: its trace id (from an incoming {@code traceparent} header when there was one,
 * else new), the span id of the execution itself, and the span of the caller that started it, if any. Each node
 * attempt gets a span of its own under the execution's ({@link #newSpanId()}).
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId the execution's span: 16 lower-case hex digits, not all zero
 * @param parentSpanId the caller's span from its {@code traceparent}, or {@code null}
 */
public record TraceContext(String traceId, String spanId, String parentSpanId) {

    private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

    public TraceContext {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        if (!TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("not a trace id: " + traceId);
        }
        if (!SPAN_ID.matcher(spanId).matches() || spanId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("not a span id: " + spanId);
        }
        if (parentSpanId != null && (!SPAN_ID.matcher(parentSpanId).matches() || parentSpanId.chars().allMatch(c -> c == '0'))) {
            throw new IllegalArgumentException("not a span id: " + parentSpanId);
        }
    }

    /** A new trace, started here. */
    public static TraceContext fresh() {
        return new TraceContext(newTraceId(), newSpanId(), null);
    }

    /**
     * The trace of a request that carried {@code traceparent} (W3C Trace Context: {@code 00-<trace id>-<parent span
     * id>-<flags>}): the execution joins that trace under the caller's span. A missing or malformed header (or version
     * {@code ff}, or all-zero ids) starts a new trace, as the W3C spec asks.
     */
    public static TraceContext fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return fresh();
        }
        var matcher = TRACEPARENT.matcher(traceparent.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || matcher.group(1).equals("ff") || (matcher.group(1).equals("00") && matcher.group(5) != null)) {
            return fresh();
        }
        String traceId = matcher.group(2);
        String parent = matcher.group(3);
        if (traceId.chars().allMatch(c -> c == '0') || parent.chars().allMatch(c -> c == '0')) {
            return fresh();
        }
        return new TraceContext(traceId, newSpanId(), parent);
    }

    /** The {@code traceparent} header value of a span of this trace (sampled). */
    public String traceparent(String span) {
        return "00-" + traceId + "-" + span + "-01";
    }

    /** A new trace id: 16 random bytes. */
    public static String newTraceId() {
        return random(16);
    }

    /** A new span id: 8 random bytes. */
    public static String newSpanId() {
        return random(8);
    }

    private static String random(int bytes) {
        byte[] id = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(id);
        } while (allZero(id));
        return HexFormat.of().formatHex(id);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
