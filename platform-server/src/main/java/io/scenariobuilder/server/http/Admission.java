package io.scenariobuilder.server.http;

import io.scenariobuilder.core.engine.ExecutionEngine;
import java.util.function.IntSupplier;

/**
 * Admission control: a burst of webhooks or API starts must not grow the active executions, the store's write queue
 * and memory without bound. Past {@code SB_MAX_ACTIVE_EXECUTIONS} executions in this server, or
 * {@code SB_MAX_STORE_QUEUE} writes waiting for the store, a new start is refused with 429 {@code rate_limited} and
 * {@code Retry-After: 1} before anything is stored; what is already running goes on. Schedules are not refused (a
 * tick is claimed once).
 */
public final class Admission {

    private final ExecutionEngine engine;
    private final IntSupplier storeQueue;
    private final int maxActive;
    private final int maxQueue;

    public Admission(ExecutionEngine engine, IntSupplier storeQueue, int maxActive, int maxQueue) {
        this.engine = engine;
        this.storeQueue = storeQueue;
        this.maxActive = maxActive;
        this.maxQueue = maxQueue;
    }

    /** Throws 429 when the server takes no new execution now. */
    public void check() {
        int active = engine.activeExecutions();
        if (active >= maxActive) {
            throw new ApiException(429, "rate_limited", "the server runs " + active + " executions, its limit "
                    + "(SB_MAX_ACTIVE_EXECUTIONS); try again shortly").withHeader("Retry-After", "1");
        }
        int queued = storeQueue.getAsInt();
        if (queued >= maxQueue) {
            throw new ApiException(429, "rate_limited", "the store has " + queued + " writes waiting, its limit "
                    + "(SB_MAX_STORE_QUEUE); try again shortly").withHeader("Retry-After", "1");
        }
    }
}
