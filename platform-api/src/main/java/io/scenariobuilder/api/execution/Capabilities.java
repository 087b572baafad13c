package io.scenariobuilder.api.execution;

import java.util.Objects;

/**
 * What an action can do, so the engine can call it well.
 *
 * <pre>{@code new Capabilities(ExecutionStyle.BLOCKING, true)}</pre>
 *
 * @param style how the engine calls it
 * @param idempotent whether running it twice with the same input and idempotency key acts only once
 */
public record Capabilities(ExecutionStyle style, boolean idempotent) {

    /** A blocking, non-idempotent action: the safe default. */
    public static final Capabilities BLOCKING = new Capabilities(ExecutionStyle.BLOCKING, false);

    /** A pure, non-blocking computation (idempotent by nature). */
    public static final Capabilities NON_BLOCKING = new Capabilities(ExecutionStyle.NON_BLOCKING, true);

    public Capabilities {
        Objects.requireNonNull(style, "style");
    }
}
