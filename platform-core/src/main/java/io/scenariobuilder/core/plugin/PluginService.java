package io.scenariobuilder.core.plugin;

import io.scenariobuilder.api.PlatformApi;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads integration plugins from PF4J plugin JARs and registers their integrations. Each plugin runs in its own
 * class loader; its {@code Plugin-Requires} range is checked against the platform API version.
 */
public final class PluginService implements AutoCloseable {

    private final IntegrationRegistry registry;
    private final PluginManager plugins;
    private final Map<String, List<IntegrationRegistry.Registration>> registrations = new ConcurrentHashMap<>();

    /** A plugin that was loaded and started. */
    public record LoadedPlugin(String id, String version, List<String> integrationIds) {
        public LoadedPlugin {
            integrationIds = List.copyOf(integrationIds);
        }
    }

    @Inject
    public PluginService(IntegrationRegistry registry) {
        this.registry = registry;
        this.plugins = new JarPluginManager();
        this.plugins.setSystemVersion(PlatformApi.VERSION);
    }

    /** Loads every {@code *.jar} of {@code directory}, in name order. */
    public List<LoadedPlugin> loadDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PluginLoadException("plugins folder " + directory.toAbsolutePath() + " does not exist", null);
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new PluginLoadException("cannot list plugins folder " + directory.toAbsolutePath(), e);
        }
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Path jar : jars) {
            loaded.add(load(jar));
        }
        return loaded;
    }

    /**
     * Loads, starts and registers one plugin JAR. On any failure the plugin is unloaded again and nothing stays
     * registered.
     */
    public synchronized LoadedPlugin load(Path jar) {
        String pluginId;
        try {
            pluginId = plugins.loadPlugin(jar.toAbsolutePath());
        } catch (RuntimeException e) {
            throw new PluginLoadException("cannot load plugin " + jar.getFileName() + ": " + e.getMessage(), e);
        }
        if (pluginId == null) {
            throw new PluginLoadException("cannot load plugin " + jar.getFileName() + ": not a plugin JAR", null);
        }
        PluginWrapper wrapper = plugins.getPlugin(pluginId);
        List<IntegrationRegistry.Registration> added = new ArrayList<>();
        try {
            PluginState state = plugins.startPlugin(pluginId);
            if (state != PluginState.STARTED) {
                throw new PluginLoadException("plugin '" + pluginId + "' from " + jar.getFileName() + " did not start (state "
                        + state + "; it requires platform API " + wrapper.getDescriptor().getRequires() + ", this is "
                        + PlatformApi.VERSION + ")", wrapper.getFailedException());
            }
            ClassLoader loader = wrapper.getPluginClassLoader();
            List<String> ids = new ArrayList<>();
            for (Integration integration : plugins.getExtensions(Integration.class, pluginId)) {
                IntegrationManifest manifest = withContextLoader(loader, integration);
                added.add(registry.register(manifest, loader, pluginId));
                ids.add(manifest.id());
            }
            if (ids.isEmpty()) {
                throw new PluginLoadException("plugin '" + pluginId + "' from " + jar.getFileName()
                        + " provides no integration (no @Extension implementing Integration)", null);
            }
            registrations.put(pluginId, added);
            return new LoadedPlugin(pluginId, wrapper.getDescriptor().getVersion(), ids);
        } catch (RuntimeException e) {
            added.forEach(IntegrationRegistry.Registration::close);
            plugins.unloadPlugin(pluginId);
            if (e instanceof PluginLoadException) {
                throw e;
            }
            throw new PluginLoadException("plugin '" + pluginId + "' from " + jar.getFileName() + " failed to start: " + e, e);
        }
    }

    private static IntegrationManifest withContextLoader(ClassLoader loader, Integration integration) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return integration.manifest();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Unregisters, stops and unloads every plugin. */
    @Override
    public synchronized void close() {
        registrations.values().forEach(list -> list.forEach(IntegrationRegistry.Registration::close));
        registrations.clear();
        plugins.stopPlugins();
        plugins.unloadPlugins();
    }
}
