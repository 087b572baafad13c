package io.scenariobuilder.server.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What keeps executions moving through faults and bursts. Each is in {@code docs/server.md}'s configuration table.
 *
 * @param maxRetryDelay the longest any retry waits, whatever a policy or a {@code Retry-After} says
 * @param maxActiveExecutions executions running or paused in this server past which new starts get 429
 * @param maxStoreQueue writes waiting for the store past which new starts get 429
 */
public record ReliabilitySettings(Duration maxRetryDelay, int maxActiveExecutions, int maxStoreQueue) {

    /** The settings, their variable names and defaults. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SB_MAX_RETRY_DELAY_MS", "3600000");
        d.put("SB_MAX_ACTIVE_EXECUTIONS", "10000");
        d.put("SB_MAX_STORE_QUEUE", "100000");
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * Reads the settings from {@code SB_*} values; missing ones take their defaults.
     *
     * @throws ServerConfig.ConfigException naming a setting that is wrong
     */
    public static ReliabilitySettings from(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key) && value != null) {
                all.put(key, value.trim());
            }
        });
        return new ReliabilitySettings(Duration.ofMillis(ServerConfig.integer(all, "SB_MAX_RETRY_DELAY_MS", 1_000, Integer.MAX_VALUE)),
                ServerConfig.integer(all, "SB_MAX_ACTIVE_EXECUTIONS", 1, 10_000_000),
                ServerConfig.integer(all, "SB_MAX_STORE_QUEUE", 100, 100_000_000));
    }
}
