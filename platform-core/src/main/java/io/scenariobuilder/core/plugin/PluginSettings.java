package io.scenariobuilder.core.plugin;

import java.nio.file.Path;

/**
 * Where the plugin service keeps its private copies of plugin JARs (each loaded version reads its own copy, so a JAR
 * replaced in the plugins folder never corrupts a version still running).
 *
 * @param workDir the folder, or {@code null} for a temporary one deleted on close
 */
public record PluginSettings(Path workDir) {

    /** A temporary work folder. */
    public static PluginSettings temporary() {
        return new PluginSettings(null);
    }
}
