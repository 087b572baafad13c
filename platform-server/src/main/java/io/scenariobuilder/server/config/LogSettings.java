package io.scenariobuilder.server.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where logs go and how: the level, the console's format ({@code text}, readable, or {@code json}, one object a line
 * for containers), and an optional JSON file rolled by size and by day.
 *
 * @param level {@code debug}, {@code info}, {@code warn} or {@code error}; {@code null} for the command's default
 * @param json whether the console writes JSON
 * @param file the JSON log file, or {@code null} for none
 * @param fileDays how many days of rolled files are kept
 * @param fileMaxMegabytes the size past which the file rolls over
 */
public record LogSettings(String level, boolean json, Path file, int fileDays, int fileMaxMegabytes) {

    /** The settings, their variable names and defaults. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SB_LOG_LEVEL", "");
        d.put("SB_LOG_FORMAT", "text");
        d.put("SB_LOG_FILE", "");
        d.put("SB_LOG_FILE_DAYS", "7");
        d.put("SB_LOG_FILE_MAX_MB", "100");
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * Reads the settings from {@code SB_*} values (the environment, or the server's configuration); missing ones take
     * their defaults.
     *
     * @throws ServerConfig.ConfigException naming a setting that is wrong
     */
    public static LogSettings from(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key) && value != null) {
                all.put(key, value.trim());
            }
        });
        String level = ServerConfig.blankToNull(all.get("SB_LOG_LEVEL"));
        if (level != null) {
            level = level.toLowerCase(Locale.ROOT);
            if (!level.matches("debug|info|warn|error")) {
                throw new ServerConfig.ConfigException("SB_LOG_LEVEL must be debug, info, warn or error, got '" + all.get("SB_LOG_LEVEL") + "'");
            }
        }
        String format = all.get("SB_LOG_FORMAT").toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ServerConfig.ConfigException("SB_LOG_FORMAT must be text or json, got '" + all.get("SB_LOG_FORMAT") + "'");
        }
        String file = ServerConfig.blankToNull(all.get("SB_LOG_FILE"));
        return new LogSettings(level, format.equals("json"), file == null ? null : Path.of(file),
                ServerConfig.integer(all, "SB_LOG_FILE_DAYS", 1, 3650), ServerConfig.integer(all, "SB_LOG_FILE_MAX_MB", 1, 1_000_000));
    }
}
