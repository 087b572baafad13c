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
 */
public record AttemptRecord(int attempt, Instant startTime, Instant endTime, NodeError error, Long retryDelayMs, String spanId) {

    public AttemptRecord {
        startTime = Millis.of(startTime);
        endTime = Millis.of(endTime);
    }

    /** An attempt without a span. */
    public AttemptRecord(int attempt, Instant startTime, Instant endTime, NodeError error, Long retryDelayMs) {
        this(attempt, startTime, endTime, error, retryDelayMs, null);
    }
}
