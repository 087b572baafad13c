package io.scenariobuilder.core.plugin;

import java.nio.file.Path;
import java.security.KeyStore;

/**
 * Where the plugin service keeps its private copies of plugin JARs (each loaded version reads its own copy, so a JAR
 * replaced in the plugins folder never corrupts a version still running), and what a JAR must be to be loaded.
 *
 * @param workDir the folder, or {@code null} for a temporary one deleted on close
 * @param limits the size, unpacked size and entry count a JAR may have
 * @param trusted the certificates a JAR must be signed by, or {@code null} to accept unsigned JARs
 */
public record PluginSettings(Path workDir, JarLimits limits, KeyStore trusted) {

    /**
     * What a plugin JAR may hold.
     *
     * @param maxBytes the largest JAR file
     * @param maxUnpackedBytes the most its entries may hold once uncompressed (a zip bomb is refused)
     * @param maxEntries the most entries it may have
     */
    public record JarLimits(long maxBytes, long maxUnpackedBytes, int maxEntries) {

        /** 50 MB, 200 MB unpacked, 10,000 entries. */
        public static JarLimits defaults() {
            return new JarLimits(50L * 1024 * 1024, 200L * 1024 * 1024, 10_000);
        }
    }

    /** Default limits, unsigned JARs accepted. */
    public PluginSettings(Path workDir) {
        this(workDir, JarLimits.defaults(), null);
    }

    /** A temporary work folder. */
    public static PluginSettings temporary() {
        return new PluginSettings(null);
    }
}
