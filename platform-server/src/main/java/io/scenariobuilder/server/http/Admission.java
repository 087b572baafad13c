package io.scenariobuilder.server.http;

import io.scenariobuilder.core.engine.ExecutionEngine;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Admission control: a burst of webhooks or API starts must not grow the active executions, the store's write queue
 * and memory without bound. Past {@code SB_MAX_ACTIVE_EXECUTIONS} executions in this server, or
 * {@code SB_MAX_STORE_QUEUE} writes waiting for the store, a new start is refused with 429 {@code rate_limited} and
 * {@code Retry-After: 1} before anything is stored; what is already running goes on. Schedules are not refused (a
 * tick is claimed once).
 *
 * <p>While the store cannot commit (busy, restarting, out of disk), new starts get 503 {@code store_unavailable} with
 * a {@code Retry-After} that grows with the outage (1 to 30 s): nothing is accepted that could not be stored, and what
 * runs waits for the store (its writes are held, not failed).
 */
public final class Admission {

    private final ExecutionEngine engine;
    private final IntSupplier storeQueue;
    private final Supplier<Optional<Duration>> storeUnavailable;
    private final int maxActive;
    private final int maxQueue;

    public Admission(ExecutionEngine engine, IntSupplier storeQueue, Supplier<Optional<Duration>> storeUnavailable, int maxActive,
            int maxQueue) {
        this.engine = engine;
        this.storeQueue = storeQueue;
        this.storeUnavailable = storeUnavailable;
        this.maxActive = maxActive;
        this.maxQueue = maxQueue;
    }

    /** Throws 503 while the store is unavailable, 429 when the server takes no new execution now. */
    public void check() {
        Optional<Duration> outage = storeUnavailable.get();
        if (outage.isPresent()) {
            long seconds = Math.clamp(outage.get().toSeconds(), 1, 30);
            throw new ApiException(503, "store_unavailable", "the execution store cannot take writes for now (for "
                    + outage.get().toMillis() + " ms); nothing was started, try again").withHeader("Retry-After", String.valueOf(seconds));
        }
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
