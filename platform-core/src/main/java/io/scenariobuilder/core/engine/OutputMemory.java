package io.scenariobuilder.core.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the node outputs that running executions hold in memory. Each execution counts the outputs it produced
 * (estimated) until it ends. Over the limit, executions that hold nothing yet wait before starting nodes, while
 * those that hold memory carry on, so they finish and give it back; no execution waits on another forever.
 */
final class OutputMemory {

    private final long limit;
    private final AtomicLong inFlight = new AtomicLong();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    OutputMemory(long limit) {
        this.limit = limit;
    }

    /** Whether an execution holding {@code footprint} bytes may start a node now. */
    boolean mayStart(long footprint) {
        return footprint > 0 || inFlight.get() < limit;
    }

    void add(long bytes) {
        inFlight.addAndGet(bytes);
    }

    /** Gives back an ended execution's bytes and lets the waiting ones try again. */
    void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        inFlight.addAndGet(-bytes);
        for (Runnable retry; (retry = waiting.poll()) != null; ) {
            retry.run();
        }
    }

    /** Registers a retry for when memory is released; the caller must check {@link #mayStart} again afterwards. */
    void waitForMemory(Runnable retry) {
        waiting.add(retry);
    }

    long inFlight() {
        return inFlight.get();
    }
}
