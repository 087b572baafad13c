package io.scenariobuilder.core.engine;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.CancellationSignal;
import io.scenariobuilder.core.error.CircuitBreakers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

/**
 * One attempt of one node: its cancellation signal, the thread or future running it, and its timeout.
 * The run's fields ({@link #finished}, {@link #timeout}) are only touched from the execution's mailbox; the
 * cancellation state may be read from the action's thread.
 */
final class NodeAttempt implements CancellationSignal {

    /** Why an attempt was cancelled. */
    enum Reason { TIMEOUT, EXECUTION_CANCELLED, EXECUTION_TIMEOUT }

    final int node;
    final int number;
    /** The attempt's trace span. */
    final String spanId = TraceContext.newSpanId();
    /** The node's credential values, masked in what the attempt logs and in its error (set when it is invoked). */
    java.util.Collection<String> secrets = java.util.List.of();
    boolean finished;
    boolean invoked;
    ScheduledFuture<?> timeout;
    /** The circuit breaker's permit for this attempt's call, once the call was let through. */
    CircuitBreakers.Call breakerCall;

    private final List<Runnable> callbacks = new ArrayList<>(0);
    private volatile Reason cancelled;
    private Thread thread;
    private Future<?> future;

    NodeAttempt(int node, int number) {
        this.node = node;
        this.number = number;
    }

    synchronized void runningOn(Thread thread) {
        this.thread = thread;
        if (cancelled != null) {
            thread.interrupt();
        }
    }

    /** The thread that ran the attempt, if it ran on one of its own (a blocking action). */
    synchronized Thread thread() {
        return thread;
    }

    synchronized void runningAs(Future<?> future) {
        this.future = future;
        if (cancelled != null) {
            future.cancel(true);
        }
    }

    /** Cancels: runs the callbacks, interrupts the thread, cancels the future. Idempotent. */
    void cancel(Reason reason) {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled != null) {
                return;
            }
            cancelled = reason;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
            if (thread != null) {
                thread.interrupt();
            }
            if (future != null) {
                future.cancel(true);
            }
        }
        for (Runnable callback : toRun) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(NodeAttempt.class).warn("a cancel callback of a node failed", e);
            }
        }
    }

    Reason cancelReason() {
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return cancelled != null;
    }

    @Override
    public void onCancel(Runnable callback) {
        synchronized (this) {
            if (cancelled == null) {
                callbacks.add(callback);
                return;
            }
        }
        callback.run();
    }

    @Override
    public void throwIfCancelled() {
        Reason reason = cancelled;
        if (reason != null) {
            throw new IntegrationException(reason == Reason.TIMEOUT ? ErrorType.TIMEOUT : ErrorType.CANCELLED,
                    reason == Reason.TIMEOUT ? "node timed out" : "node cancelled");
        }
    }
}
