package io.scenariobuilder.core.engine;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The precision of every time the platform shows: milliseconds, as the store keeps them. A result read live and the
 * same result read after a restart show the same times.
 */
final class Millis {

    private Millis() {
    }

    /** {@code instant} to the millisecond; {@code null} stays {@code null}. */
    static Instant of(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
