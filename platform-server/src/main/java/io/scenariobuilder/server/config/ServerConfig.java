package io.scenariobuilder.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The server's configuration: a properties file ({@code --config FILE}, keys as the environment variables) and
 * {@code SB_*} environment variables, the variables winning. Every setting and its default is in
 * {@code docs/server.md}.
 *
 * @param host the interface to listen on
 * @param port the port; 0 takes any free port (printed when ready)
 * @param dataDir the embedded store and the master key file
 * @param pluginsDir plugin JARs, watched
 * @param dbUrl a {@code jdbc:postgresql://} URL for PostgreSQL, or {@code null} for the embedded SQLite store
 * @param dbUser the database user, or {@code null}
 * @param dbPassword the database password, or {@code null}
 * @param masterKey base64 of 32 bytes sealing stored credentials, or {@code null} for the key file in the data dir
 * @param adminKey the admin API key to create on first start, or {@code null} to generate and print one
 * @param maxBodyBytes the largest request body (413 past it)
 * @param maxJsonDepth the deepest JSON nesting accepted in a body
 * @param maxHeaderBytes the largest request header block
 * @param shutdownGrace how long running nodes get to finish on shutdown
 * @param waitTimeout the longest {@code ?wait=true} waits before answering 202 with the execution's state
 * @param fsync whether the store syncs each group commit to disk
 * @param importExamples whether the first start imports the examples folder as scenarios
 * @param examplesDir the examples folder
 * @param metricsAuth whether {@code GET /metrics} needs a viewer key
 * @param streamBuffer how many messages a live-stream client may have waiting before lines are dropped for it
 * @param streamStall how long a live-stream client may take nothing before it is closed
 * @param streamHistory how many recent lines (and events) are kept to replay to a new client
 * @param otlpEndpoint the OTLP/HTTP traces endpoint to export spans to, or {@code null} for none
 * @param retentionDays finished executions older than this many days are deleted
 * @param retentionPerScenario at most this many finished executions are kept per scenario
 * @param optionsTimeout how long a plugin may take to give a dynamic field's options
 * @param optionsCacheSize the most option lists kept in the cache
 * @param security the limits that keep one caller from hurting the others
 * @param reliability what keeps executions moving through faults and bursts
 * @param logging the log sinks, level and format
 * @param cluster several servers on one PostgreSQL
 */
public record ServerConfig(String host, int port, Path dataDir, Path pluginsDir, String dbUrl, String dbUser, String dbPassword,
        String masterKey, String adminKey, long maxBodyBytes, int maxJsonDepth, int maxHeaderBytes, Duration shutdownGrace,
        Duration waitTimeout, boolean fsync, boolean importExamples, Path examplesDir, boolean metricsAuth, int streamBuffer,
        Duration streamStall, int streamHistory, String otlpEndpoint, int retentionDays, int retentionPerScenario, Duration optionsTimeout, int optionsCacheSize,
        SecuritySettings security, ReliabilitySettings reliability, LogSettings logging, ClusterSettings cluster) {

    /** The settings, their environment variable names and defaults, in the order the docs list them. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SB_HOST", "127.0.0.1");
        d.put("SB_PORT", "8080");
        d.put("SB_DATA_DIR", "./data");
        d.put("SB_PLUGINS_DIR", "./plugins");
        d.put("SB_DB_URL", "");
        d.put("SB_DB_USER", "");
        d.put("SB_DB_PASSWORD", "");
        d.put("SB_MASTER_KEY", "");
        d.put("SB_ADMIN_KEY", "");
        d.put("SB_MAX_BODY_BYTES", String.valueOf(10 * 1024 * 1024));
        d.put("SB_MAX_JSON_DEPTH", "64");
        d.put("SB_MAX_HEADER_BYTES", "16384");
        d.put("SB_SHUTDOWN_GRACE_MS", "10000");
        d.put("SB_WAIT_TIMEOUT_MS", "30000");
        d.put("SB_FSYNC", "false");
        d.put("SB_IMPORT_EXAMPLES", "true");
        d.put("SB_EXAMPLES_DIR", "./examples");
        d.put("SB_METRICS_AUTH", "false");
        d.put("SB_STREAM_BUFFER", "10000");
        d.put("SB_STREAM_STALL_MS", "30000");
        d.put("SB_STREAM_HISTORY", "10000");
        d.put("SB_OTLP_ENDPOINT", "");
        d.put("SB_RETENTION_DAYS", "30");
        d.put("SB_RETENTION_PER_SCENARIO", "10000");
        d.put("SB_OPTIONS_TIMEOUT", "10000");
        d.put("SB_OPTIONS_CACHE_SIZE", "10000");
        d.putAll(SecuritySettings.DEFAULTS);
        d.putAll(ReliabilitySettings.DEFAULTS);
        d.putAll(LogSettings.DEFAULTS);
        d.putAll(ClusterSettings.DEFAULTS);
        return java.util.Collections.unmodifiableMap(d);
    }

    /** A bad setting: names it and says what is wrong. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }

    /**
     * Reads the configuration.
     *
     * @param file a properties file, or {@code null}
     * @param environment the environment ({@code System.getenv()})
     * @throws ConfigException naming the setting that is wrong
     */
    public static ServerConfig load(Path file, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>(DEFAULTS);
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read the configuration file " + file + ": " + e.getMessage());
            }
            for (String key : properties.stringPropertyNames()) {
                String name = key.trim().toUpperCase(Locale.ROOT);
                if (!DEFAULTS.containsKey(name)) {
                    throw new ConfigException(file + ": unknown setting '" + key + "' (settings: " + DEFAULTS.keySet() + ")");
                }
                values.put(name, properties.getProperty(key).trim());
            }
        }
        environment.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key)) {
                values.put(key, value.trim());
            }
        });
        return new ServerConfig(
                values.get("SB_HOST"),
                integer(values, "SB_PORT", 0, 65_535),
                Path.of(values.get("SB_DATA_DIR")),
                Path.of(values.get("SB_PLUGINS_DIR")),
                blankToNull(values.get("SB_DB_URL")),
                blankToNull(values.get("SB_DB_USER")),
                blankToNull(values.get("SB_DB_PASSWORD")),
                blankToNull(values.get("SB_MASTER_KEY")),
                blankToNull(values.get("SB_ADMIN_KEY")),
                integer(values, "SB_MAX_BODY_BYTES", 1_024, Integer.MAX_VALUE),
                integer(values, "SB_MAX_JSON_DEPTH", 2, 10_000),
                integer(values, "SB_MAX_HEADER_BYTES", 1_024, 1_048_576),
                Duration.ofMillis(integer(values, "SB_SHUTDOWN_GRACE_MS", 0, Integer.MAX_VALUE)),
                Duration.ofMillis(integer(values, "SB_WAIT_TIMEOUT_MS", 1, Integer.MAX_VALUE)),
                bool(values, "SB_FSYNC"),
                bool(values, "SB_IMPORT_EXAMPLES"),
                Path.of(values.get("SB_EXAMPLES_DIR")),
                bool(values, "SB_METRICS_AUTH"),
                integer(values, "SB_STREAM_BUFFER", 100, 1_000_000),
                Duration.ofMillis(integer(values, "SB_STREAM_STALL_MS", 100, Integer.MAX_VALUE)),
                integer(values, "SB_STREAM_HISTORY", 0, 1_000_000),
                otlpEndpoint(values.get("SB_OTLP_ENDPOINT")),
                integer(values, "SB_RETENTION_DAYS", 1, 36_500),
                integer(values, "SB_RETENTION_PER_SCENARIO", 1, Integer.MAX_VALUE),
                Duration.ofMillis(integer(values, "SB_OPTIONS_TIMEOUT", 100, 600_000)),
                integer(values, "SB_OPTIONS_CACHE_SIZE", 0, 10_000_000),
                SecuritySettings.from(values),
                ReliabilitySettings.from(values),
                LogSettings.from(values),
                clusterOn(values, blankToNull(values.get("SB_DB_URL"))));
    }

    /** This configuration on another port (tests take any free one). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword, masterKey, adminKey, maxBodyBytes,
                maxJsonDepth, maxHeaderBytes, shutdownGrace, waitTimeout, fsync, importExamples, examplesDir, metricsAuth,
                streamBuffer, streamStall, streamHistory, otlpEndpoint, retentionDays, retentionPerScenario, optionsTimeout, optionsCacheSize, security, reliability, logging, cluster);
    }

    /** This configuration with another plugins folder. */
    public ServerConfig withPluginsDir(Path dir) {
        return new ServerConfig(host, port, dataDir, dir, dbUrl, dbUser, dbPassword, masterKey, adminKey, maxBodyBytes,
                maxJsonDepth, maxHeaderBytes, shutdownGrace, waitTimeout, fsync, importExamples, examplesDir, metricsAuth,
                streamBuffer, streamStall, streamHistory, otlpEndpoint, retentionDays, retentionPerScenario, optionsTimeout, optionsCacheSize, security, reliability, logging, cluster);
    }

    /** A cluster shares a PostgreSQL database: SQLite is one server's. */
    private static ClusterSettings clusterOn(Map<String, String> values, String dbUrl) {
        boolean postgres = dbUrl != null && dbUrl.startsWith("jdbc:postgresql:");
        ClusterSettings cluster = ClusterSettings.from(values, postgres);
        if (cluster.enabled() && !postgres) {
            throw new ConfigException("SB_CLUSTER=on needs PostgreSQL (SB_DB_URL=jdbc:postgresql://...): the embedded SQLite store "
                    + "is one server's");
        }
        return cluster;
    }

    private static String otlpEndpoint(String value) {
        String endpoint = blankToNull(value);
        if (endpoint == null) {
            return null;
        }
        try {
            java.net.URI uri = java.net.URI.create(endpoint);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new ConfigException("SB_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318/v1/traces, got '"
                        + endpoint + "'");
            }
            return endpoint;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SB_OTLP_ENDPOINT is not a URL: '" + endpoint + "'");
        }
    }

    static int integer(Map<String, String> values, String name, int min, int max) {
        String text = values.get(name);
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + text + "'");
        }
    }

    static boolean bool(Map<String, String> values, String name) {
        String text = values.get(name).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + values.get(name) + "'");
        };
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
