package io.scenariobuilder.core.testing;

import io.scenariobuilder.plugins.core.CoreIntegration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds real plugin JARs from the classes of the built {@code core} plugin (its JAR under {@code mvn verify}, its
 * classes folder under {@code mvn test}), with a manifest the test chooses.
 */
public final class PluginJars {

    private PluginJars() {
    }

    /** The manifest of the core plugin, as its build writes it. */
    public static Map<String, String> coreManifest() {
        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("Plugin-Id", "core");
        manifest.put("Plugin-Version", "1.0.0");
        manifest.put("Plugin-Class", "io.scenariobuilder.plugins.core.CorePlugin");
        manifest.put("Plugin-Requires", ">=1.0.0 & <2.0.0");
        return manifest;
    }

    /** A JAR holding the core plugin's entries that {@code keep} accepts, with {@code attributes} as its manifest. */
    public static Path corePlugin(Path directory, String fileName, Map<String, String> attributes, Predicate<String> keep) {
        Map<String, byte[]> entries = coreEntries();
        Path jar = directory.resolve(fileName);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                if (keep.test(entry.getKey())) {
                    jarOut.putNextEntry(new JarEntry(entry.getKey()));
                    jarOut.write(entry.getValue());
                    jarOut.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private static Map<String, byte[]> coreEntries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try {
            Path location = Path.of(CoreIntegration.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String name = location.relativize(file).toString().replace('\\', '/');
                        if (!name.equals("META-INF/MANIFEST.MF")) {
                            entries.put(name, Files.readAllBytes(file));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (Enumeration<JarEntry> it = jar.entries(); it.hasMoreElements(); ) {
                        JarEntry entry = it.nextElement();
                        if (!entry.isDirectory() && !entry.getName().equals("META-INF/MANIFEST.MF")) {
                            entries.put(entry.getName(), jar.getInputStream(entry).readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (!entries.containsKey("META-INF/extensions.idx")) {
            throw new IllegalStateException("the core plugin build has no META-INF/extensions.idx: is <proc>full</proc> set?");
        }
        return entries;
    }
}
