package io.scenariobuilder.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The limits that keep one caller from hurting the others: failed authentications, webhook signature freshness,
 * plugin uploads and expressions. Each is in {@code docs/server.md}'s security section.
 *
 * @param authFailuresPerMinute failed authentications from one address in a minute past which it gets 429
 * @param webhookTolerance how far a webhook signature's timestamp may be from now, and how long a signature is
 *     remembered to refuse its replay
 * @param pluginMaxBytes the largest plugin JAR accepted
 * @param pluginMaxUnpackedBytes the most a plugin JAR's entries may hold once uncompressed (zip bomb guard)
 * @param pluginMaxEntries the most entries a plugin JAR may have
 * @param pluginTrust {@code any} (every well-formed plugin), or {@code signed} (only JARs signed by a certificate
 *     in {@code pluginTrustStore})
 * @param pluginTrustStore a PKCS#12 or JKS key store of trusted certificates, needed with {@code signed}
 * @param pluginTrustStorePassword the trust store's password, or {@code null}
 * @param expressionTimeout the longest one JSONata evaluation may take
 * @param expressionMaxDepth the deepest one JSONata evaluation may recurse
 * @param expressionMaxBytes the most one JSONata evaluation may allocate (garbage included); 0 takes a quarter of the heap
 */
public record SecuritySettings(int authFailuresPerMinute, Duration webhookTolerance, long pluginMaxBytes,
        long pluginMaxUnpackedBytes, int pluginMaxEntries, String pluginTrust, Path pluginTrustStore, String pluginTrustStorePassword,
        Duration expressionTimeout, int expressionMaxDepth, long expressionMaxBytes) {

    /** The settings, their variable names and defaults. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SB_AUTH_FAILURES_PER_MINUTE", "30");
        d.put("SB_WEBHOOK_TOLERANCE_S", "300");
        d.put("SB_PLUGIN_MAX_BYTES", String.valueOf(50L * 1024 * 1024));
        d.put("SB_PLUGIN_MAX_UNPACKED_BYTES", String.valueOf(200L * 1024 * 1024));
        d.put("SB_PLUGIN_MAX_ENTRIES", "10000");
        d.put("SB_PLUGIN_TRUST", "any");
        d.put("SB_PLUGIN_TRUSTSTORE", "");
        d.put("SB_PLUGIN_TRUSTSTORE_PASSWORD", "");
        d.put("SB_EXPRESSION_TIMEOUT", "1000");
        d.put("SB_EXPRESSION_MAX_DEPTH", "200");
        d.put("SB_EXPRESSION_MAX_BYTES", "0");
        return java.util.Collections.unmodifiableMap(d);
    }

    /** The defaults. */
    public static SecuritySettings defaultSettings() {
        return from(Map.of());
    }

    /**
     * Reads the settings from {@code SB_*} values; missing ones take their defaults.
     *
     * @throws ServerConfig.ConfigException naming a setting that is wrong
     */
    public static SecuritySettings from(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key) && value != null) {
                all.put(key, value.trim());
            }
        });
        String trust = all.get("SB_PLUGIN_TRUST").toLowerCase(Locale.ROOT);
        if (!trust.equals("any") && !trust.equals("signed")) {
            throw new ServerConfig.ConfigException("SB_PLUGIN_TRUST must be any or signed, got '" + all.get("SB_PLUGIN_TRUST") + "'");
        }
        String store = ServerConfig.blankToNull(all.get("SB_PLUGIN_TRUSTSTORE"));
        if (trust.equals("signed") && store == null) {
            throw new ServerConfig.ConfigException("SB_PLUGIN_TRUST=signed needs SB_PLUGIN_TRUSTSTORE: a key store (PKCS#12 or JKS) "
                    + "holding the certificates whose signatures are trusted");
        }
        return new SecuritySettings(
                ServerConfig.integer(all, "SB_AUTH_FAILURES_PER_MINUTE", 1, 1_000_000),
                Duration.ofSeconds(ServerConfig.integer(all, "SB_WEBHOOK_TOLERANCE_S", 1, 86_400)),
                number(all, "SB_PLUGIN_MAX_BYTES", 1_024, Integer.MAX_VALUE),
                number(all, "SB_PLUGIN_MAX_UNPACKED_BYTES", 1_024, Long.MAX_VALUE),
                ServerConfig.integer(all, "SB_PLUGIN_MAX_ENTRIES", 1, 10_000_000),
                trust,
                store == null ? null : Path.of(store),
                ServerConfig.blankToNull(all.get("SB_PLUGIN_TRUSTSTORE_PASSWORD")),
                Duration.ofMillis(ServerConfig.integer(all, "SB_EXPRESSION_TIMEOUT", 10, 3_600_000)),
                ServerConfig.integer(all, "SB_EXPRESSION_MAX_DEPTH", 10, 100_000),
                number(all, "SB_EXPRESSION_MAX_BYTES", 0, Long.MAX_VALUE));
    }

    private static long number(Map<String, String> values, String name, long min, long max) {
        String text = values.get(name);
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new ServerConfig.ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ServerConfig.ConfigException(name + " must be a whole number, got '" + text + "'");
        }
    }
}
