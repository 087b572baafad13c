package io.scenariobuilder.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The plugin JARs the build made for tests ({@code target/test-plugins}: the built-in core plugin and the modules
 * of {@code test-plugins/}), and variants of them with a changed manifest or entries.
 */
public final class PluginJars {

    private static final Path BUILT = Path.of("target", "test-plugins");

    private PluginJars() {
    }

    /** A plugin JAR the build made, by artifact id: {@code sb-plugin-core}, {@code lib-a}, {@code versioned-v2}... */
    public static Path built(String artifactId) {
        Path jar = BUILT.resolve(artifactId + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the tests through Maven (mvn verify),"
                    + " which builds the test plugins and copies them there");
        }
        return jar;
    }

    /**
     * A copy of {@code source} at {@code target} with manifest attributes replaced ({@code null} values remove them)
     * and only the entries {@code keep} accepts.
     */
    public static Path variant(Path source, Path target, Map<String, String> attributes, Predicate<String> keep) {
        try (JarFile in = new JarFile(source.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            attributes.forEach((name, value) -> {
                if (value == null) {
                    main.remove(new Attributes.Name(name));
                } else {
                    main.putValue(name, value);
                }
            });
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME) || !keep.test(entry.getName())) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy with manifest attributes replaced. */
    public static Path variant(Path source, Path target, Map<String, String> attributes) {
        return variant(source, target, attributes, name -> true);
    }
}
