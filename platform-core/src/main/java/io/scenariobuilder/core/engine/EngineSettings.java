package io.scenariobuilder.core.engine;

/**
 * Engine tuning.
 *
 * @param engineThreads threads that run the executions' state machines (not the actions: blocking actions run on
 *     virtual threads); default: the number of cores
 * @param maxRetainedExecutions finished executions the in-memory store keeps
 * @param jitterSeed seeds retry jitter for reproducible tests, or {@code null} for a random seed
 * @param maxInFlightOutputBytes the node outputs running executions may hold in memory (estimated) before new
 *     executions wait to start nodes; default a quarter of the heap
 * @param maxRetryDelayMs the longest any retry waits, whatever the policy or a {@code Retry-After} says; default 1 h
 */
public record EngineSettings(int engineThreads, int maxRetainedExecutions, Long jitterSeed, long maxInFlightOutputBytes,
        long maxRetryDelayMs) {

    /** The default longest wait before a retry: one hour. */
    public static final long DEFAULT_MAX_RETRY_DELAY_MS = 3_600_000;

    /** Settings with the default retry delay cap. */
    public EngineSettings(int engineThreads, int maxRetainedExecutions, Long jitterSeed, long maxInFlightOutputBytes) {
        this(engineThreads, maxRetainedExecutions, jitterSeed, maxInFlightOutputBytes, DEFAULT_MAX_RETRY_DELAY_MS);
    }

    /** Settings with the default output memory bound. */
    public EngineSettings(int engineThreads, int maxRetainedExecutions, Long jitterSeed) {
        this(engineThreads, maxRetainedExecutions, jitterSeed, Runtime.getRuntime().maxMemory() / 4);
    }

    public EngineSettings {
        if (engineThreads < 1) {
            throw new IllegalArgumentException("engineThreads must be at least 1: " + engineThreads);
        }
        if (maxRetainedExecutions < 1) {
            throw new IllegalArgumentException("maxRetainedExecutions must be at least 1: " + maxRetainedExecutions);
        }
        if (maxInFlightOutputBytes < 1) {
            throw new IllegalArgumentException("maxInFlightOutputBytes must be positive: " + maxInFlightOutputBytes);
        }
        if (maxRetryDelayMs < 1) {
            throw new IllegalArgumentException("maxRetryDelayMs must be positive: " + maxRetryDelayMs);
        }
    }

    /**
     * Defaults: one engine thread per core, 1,000 finished executions kept in memory (the in-memory store is for the
     * CLI, tests and benchmarks; a large live set there costs GC time), random jitter.
     */
    /** These settings with another cap on retry delays. */
    public EngineSettings withMaxRetryDelayMs(long maxMs) {
        return new EngineSettings(engineThreads, maxRetainedExecutions, jitterSeed, maxInFlightOutputBytes, maxMs);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(Runtime.getRuntime().availableProcessors(), 1_000, null);
    }
}
