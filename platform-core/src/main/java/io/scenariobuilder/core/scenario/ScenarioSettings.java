package io.scenariobuilder.core.scenario;

/**
 * Execution limits of a scenario.
 *
 * @param maxConcurrentNodes how many nodes of one execution may run at once (at least 1)
 * @param timeoutMs bound on the whole execution in milliseconds, or {@code null} for none
 */
public record ScenarioSettings(int maxConcurrentNodes, Long timeoutMs) {

    /** The default number of nodes of one execution that run at once. */
    public static final int DEFAULT_MAX_CONCURRENT_NODES = 8;

    /** Defaults: 8 concurrent nodes, no execution timeout. */
    public static final ScenarioSettings DEFAULT = new ScenarioSettings(DEFAULT_MAX_CONCURRENT_NODES, null);

    public ScenarioSettings {
        if (maxConcurrentNodes < 1) {
            throw new IllegalArgumentException("maxConcurrentNodes must be at least 1: " + maxConcurrentNodes);
        }
        if (timeoutMs != null && timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs must be positive: " + timeoutMs);
        }
    }
}
