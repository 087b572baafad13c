package io.scenariobuilder.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A cron tick of a scheduled scenario, claimed in the same transaction that stores the execution it starts: a crash
 * cannot leave a tick claimed without its execution (a lost run) or an execution without its claim (a second run).
 */
public record ScheduleTick(String scenarioId, Instant tick) {

    public ScheduleTick {
        Objects.requireNonNull(scenarioId, "scenarioId");
        Objects.requireNonNull(tick, "tick");
    }

    /** The tick ran already (on this server before a restart, or on another one): no execution was stored. */
    public static final class AlreadyRunException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public AlreadyRunException(ScheduleTick tick) {
            super("the tick " + tick.tick() + " of scenario " + tick.scenarioId() + " ran already");
        }
    }
}
