package io.scenariobuilder.core.engine;

import java.time.Instant;

/**
 * One attempt of one node.
 *
 * @param attempt its number, from 1
 * @param startTime when it started
 * @param endTime when it ended
 * @param error why it failed, or {@code null} when it succeeded
 * @param retryDelayMs the wait before the next attempt when one followed, else {@code null}
 * @param spanId the attempt's trace span, or {@code null} (attempts stored before traces existed)
 * @param stillRunningMs when the next attempt had to start while this one's thread still ran (an action that ignores
 *     interrupts, after a timeout): how long the engine waited for it first; else {@code null}
 */
public record AttemptRecord(int attempt, Instant startTime, Instant endTime, NodeError error, Long retryDelayMs, String spanId,
        Long stillRunningMs) {

    public AttemptRecord {
        startTime = Millis.of(startTime);
        endTime = Millis.of(endTime);
    }

    /** An attempt whose thread had ended when the next one started. */
    public AttemptRecord(int attempt, Instant startTime, Instant endTime, NodeError error, Long retryDelayMs, String spanId) {
        this(attempt, startTime, endTime, error, retryDelayMs, spanId, null);
    }

    /** An attempt without a span. */
    public AttemptRecord(int attempt, Instant startTime, Instant endTime, NodeError error, Long retryDelayMs) {
        this(attempt, startTime, endTime, error, retryDelayMs, null);
    }

    /** This record, noting that the next attempt started while this one's thread still ran, after {@code waitedMs}. */
    AttemptRecord stillRunning(long waitedMs) {
        return new AttemptRecord(attempt, startTime, endTime, error, retryDelayMs, spanId, waitedMs);
    }
}
