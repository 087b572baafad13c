package io.scenariobuilder.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this SPI, which plugins name in their {@code Plugin-Requires} range.
 *
 * <p>The API follows semantic versioning: a plugin built against {@code 1.x} loads on every {@code 1.y}
 * with {@code y >= x}. New methods arrive as {@code default} methods only.
 *
 * <pre>{@code Plugin-Requires: >=1.0.0 & <2.0.0}</pre>
 */
public final class PlatformApi {

    /** The API version, for example {@code 1.0.0}. */
    public static final String VERSION = readVersion();

    private PlatformApi() {
    }

    private static String readVersion() {
        try (InputStream in = PlatformApi.class.getResourceAsStream("platform-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("platform-api.properties is missing from the platform-api JAR");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
