package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.expression.JsonSizes;

/**
 * One execution's account in the engine's {@link OutputMemory}: the estimated bytes of the outputs it holds, counted
 * in the shared memory in steps of 64 KiB (so that small outputs cost no shared update each), given back whole when it
 * ends. Changed on the execution's mailbox; {@link #published()} is read from any thread.
 */
final class OutputAccount {

    private static final long PUBLISH_STEP = 64 * 1024;

    private final OutputMemory memory;
    /** Estimated bytes of the outputs this execution holds. */
    private long held;
    /** The part of {@link #held} counted in the engine's memory. */
    private volatile long published;

    OutputAccount(OutputMemory memory) {
        this.memory = memory;
    }

    /** Counts a node's new output; answers its estimated size (0 for an output passed through unchanged). */
    long hold(JsonNode output, boolean passedThrough) {
        if (passedThrough) {
            return 0; // the same object as the input (noop, log, delay...): no new memory
        }
        long bytes = JsonSizes.estimate(output);
        held += bytes;
        long unpublished = held - published;
        if (unpublished >= PUBLISH_STEP) {
            memory.add(unpublished);
            published = held;
        }
        return bytes;
    }

    /**
     * Whether the engine's memory lets this execution run an action now; if not, {@code retry} runs when another
     * execution gives memory back.
     */
    boolean allows(Runnable retry) {
        if (memory.mayStart(published)) {
            return true;
        }
        memory.waitForMemory(retry);
        return memory.mayStart(published); // memory given back meanwhile: go on (the queued retry finds nothing)
    }

    /** What this execution counted in the engine's memory, to give back when it ends. */
    long published() {
        return published;
    }
}
