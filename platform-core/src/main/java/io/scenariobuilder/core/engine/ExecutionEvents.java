package io.scenariobuilder.core.engine;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine tells what happens, for whoever listens: state changes of executions and nodes (the live events
 * stream) and finished spans (a trace exporter). Listeners are called on the engine's threads, in order for one
 * execution: they must only hand the event on (a bounded queue), never block. Without a listener of a kind, nothing
 * of that kind is even built.
 */
public final class ExecutionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEvents.class);

    /**
     * A node attempt that ended, as a span of the execution's trace.
     *
     * @param status {@code completed}, {@code failed} or {@code cancelled}
     * @param errorType the error type of a failed attempt, else {@code null}
     */
    public record AttemptSpan(TraceContext trace, String spanId, String executionId, String scenarioId, String nodeId,
            String integrationId, String actionId, int attempt, Instant start, Instant end, String status, String errorType,
            String errorMessage) {
    }

    /**
     * An execution that ended (or stopped running in this process: completed, failed, cancelled, incomplete), as the
     * span its attempts belong to.
     */
    public record ExecutionSpan(TraceContext trace, String executionId, String scenarioId, int scenarioVersion, Instant start,
            Instant end, String status, String errorType, String errorMessage) {
    }

    /** Hears finished spans. */
    public interface SpanListener {
        void attemptEnded(AttemptSpan span);

        void executionEnded(ExecutionSpan span);
    }

    private final List<Consumer<ExecutionEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<SpanListener> spanListeners = new CopyOnWriteArrayList<>();

    /** Adds a listener of state changes; returns a handle that removes it. */
    public AutoCloseable addListener(Consumer<ExecutionEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Adds a listener of finished spans; returns a handle that removes it. */
    public AutoCloseable addSpanListener(SpanListener listener) {
        spanListeners.add(listener);
        return () -> spanListeners.remove(listener);
    }

    /** Whether anyone hears state changes (else the engine builds none). */
    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /** Whether anyone hears spans. */
    boolean hasSpanListeners() {
        return !spanListeners.isEmpty();
    }

    void publish(ExecutionEvent event) {
        for (Consumer<ExecutionEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("an execution event listener failed", e);
            }
        }
    }

    void attemptEnded(AttemptSpan span) {
        for (SpanListener listener : spanListeners) {
            try {
                listener.attemptEnded(span);
            } catch (RuntimeException e) {
                LOG.warn("a span listener failed", e);
            }
        }
    }

    void executionEnded(ExecutionSpan span) {
        for (SpanListener listener : spanListeners) {
            try {
                listener.executionEnded(span);
            } catch (RuntimeException e) {
                LOG.warn("a span listener failed", e);
            }
        }
    }
}
