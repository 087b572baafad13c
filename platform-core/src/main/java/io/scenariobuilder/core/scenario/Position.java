package io.scenariobuilder.core.scenario;

/**
 * Where the builder draws a node: whole numbers, in the canvas's units. The engine never reads it; it is kept with the
 * scenario so that a scenario opens as it was drawn.
 *
 * @param x left edge
 * @param y top edge
 */
public record Position(long x, long y) {

    /** How far from the origin a node may be placed: enough for any canvas, small enough to stay a plain number. */
    public static final long LIMIT = 1_000_000;
}
