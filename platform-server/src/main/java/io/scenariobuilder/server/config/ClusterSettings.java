package io.scenariobuilder.server.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Several servers on one PostgreSQL (issue 16). Each is in {@code docs/server.md}'s configuration table.
 *
 * @param enabled this server is one of several sharing its PostgreSQL database: {@code SB_CLUSTER=on}, or {@code auto}
 *     (the default) with PostgreSQL
 * @param lease how long a server may go without renewing its heartbeat before the others take its executions
 * @param instanceName how this server is shown to the others, or {@code null} for its host and port
 */
public record ClusterSettings(boolean enabled, Duration lease, String instanceName) {

    /** The settings, their variable names and defaults. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SB_CLUSTER", "auto");
        d.put("SB_CLUSTER_LEASE_MS", "10000");
        d.put("SB_INSTANCE_NAME", "");
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * Reads the settings from {@code SB_*} values; missing ones take their defaults.
     *
     * @throws ServerConfig.ConfigException naming a setting that is wrong
     */
    public static ClusterSettings from(Map<String, String> values) {
        return from(values, false);
    }

    /**
     * Reads the settings; {@code auto} (the default) is on with PostgreSQL ({@code postgres}), off with SQLite.
     *
     * @throws ServerConfig.ConfigException naming a setting that is wrong
     */
    public static ClusterSettings from(Map<String, String> values, boolean postgres) {
        Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key) && value != null) {
                all.put(key, value.trim());
            }
        });
        String mode = all.get("SB_CLUSTER").toLowerCase(Locale.ROOT);
        boolean enabled = switch (mode) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            case "auto", "" -> postgres;
            default -> throw new ServerConfig.ConfigException("SB_CLUSTER must be auto, on or off, got '" + all.get("SB_CLUSTER") + "'");
        };
        String name = all.get("SB_INSTANCE_NAME");
        return new ClusterSettings(enabled, Duration.ofMillis(ServerConfig.integer(all, "SB_CLUSTER_LEASE_MS", 1_000, 300_000)),
                name.isEmpty() ? null : name);
    }
}
