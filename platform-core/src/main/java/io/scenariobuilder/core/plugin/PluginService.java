package io.scenariobuilder.core.plugin;

import com.fasterxml.jackson.databind.type.TypeFactory;
import io.scenariobuilder.api.PlatformApi;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.fields.FieldDependencyException;
import io.scenariobuilder.core.integration.IntegrationConflictException;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.PluginUsage;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.VersionManager;
import org.pf4j.DefaultVersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, upgrades and removes integration plugins (PF4J JARs) in the running platform.
 *
 * <ul>
 *   <li>{@link #install} validates a JAR (descriptor, id and version well-formed, {@code Plugin-Requires} satisfied
 *       by this API version, no clash), starts it, and registers its integrations in one step. Anything wrong
 *       leaves the platform as it was.
 *   <li>A newer version of an installed plugin replaces it at once for new executions; executions already running
 *       finish on the old version, which is unloaded (its class loader released) when the last one ends.
 *   <li>{@link #remove} is refused while executions use the plugin, unless forced (they are cancelled).
 * </ul>
 *
 * <p>Each loaded version has its own PF4J manager and {@link IsolatingPluginClassLoader}, and reads a private copy
 * of its JAR.
 */
public final class PluginService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginService.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern VERSION =
            Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    private final IntegrationRegistry registry;
    private final ExecutionEngine engine;
    private final PluginSettings settings;
    private final VersionManager versions = new DefaultVersionManager();
    private final Map<String, LoadedPlugin> current = new ConcurrentHashMap<>();
    private final Set<LoadedPlugin> retiring = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Path workDir;
    private boolean closed;

    /** An installed plugin, as the API lists it. */
    public record InstalledPlugin(String id, String version, String description, String requires, String provider,
            List<String> integrationIds, String state, Path source, String sha256, int runningExecutions) {
        public InstalledPlugin {
            integrationIds = List.copyOf(integrationIds);
        }
    }

    /** Hears installs (and upgrades) and removals, after they took effect: e.g. to record them in the store. */
    public interface Listener {
        /** A plugin (or a newer version of it) is installed. */
        void installed(InstalledPlugin plugin);

        /** A plugin is removed. */
        void removed(String pluginId);
    }

    /** Adds a listener. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    private void notifyListeners(java.util.function.Consumer<Listener> event) {
        for (Listener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.error("a plugin listener failed: {}", e.toString(), e);
            }
        }
    }

    /** What {@link #loadDirectory} did: the plugins it installed and the JARs it could not, with why. */
    public record DirectoryLoad(List<InstalledPlugin> installed, Map<Path, RuntimeException> failed) {
        public DirectoryLoad {
            installed = List.copyOf(installed);
            failed = Map.copyOf(failed);
        }
    }

    /** One loaded plugin version. */
    private static final class LoadedPlugin {
        final PluginDescriptor descriptor;
        final Path source;
        final Path copy;
        final String sha256;
        final IsolatingPluginManager manager;
        final PluginUsage usage;
        final List<String> integrationIds;
        final IntegrationRegistry.Registration registration;
        boolean unloaded;

        LoadedPlugin(PluginDescriptor descriptor, Path source, Path copy, String sha256, IsolatingPluginManager manager,
                PluginUsage usage, List<String> integrationIds, IntegrationRegistry.Registration registration) {
            this.descriptor = descriptor;
            this.source = source;
            this.copy = copy;
            this.sha256 = sha256;
            this.manager = manager;
            this.usage = usage;
            this.integrationIds = List.copyOf(integrationIds);
            this.registration = registration;
        }

        String id() {
            return descriptor.getPluginId();
        }

        String version() {
            return descriptor.getVersion();
        }
    }

    private final java.util.Set<Path> trustedDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Inject
    public PluginService(IntegrationRegistry registry, ExecutionEngine engine, PluginSettings settings, PlatformMetrics metrics) {
        this.registry = registry;
        this.engine = engine;
        this.settings = settings;
        metrics.gauge(PluginGauges.INSTALLED, current::size);
        listeners.add(new PluginGauges(metrics));
    }

    /**
     * Installs a plugin JAR, or upgrades the installed version of its plugin to it.
     *
     * @throws PluginInvalidException when the JAR is corrupt, has no descriptor, a malformed id or version, needs
     *     another API version, provides no integration, or its start fails
     * @throws PluginConflictException when the same or a newer version is installed, or another plugin provides one
     *     of its integration ids
     */
    public synchronized InstalledPlugin install(Path jar) {
        if (closed) {
            throw new IllegalStateException("the plugin service is closed");
        }
        String name = jar.getFileName().toString();
        if (!Files.isRegularFile(jar)) {
            throw new PluginInvalidException("plugin JAR " + jar.toAbsolutePath() + " does not exist");
        }
        try {
            if (Files.size(jar) > settings.limits().maxBytes()) {
                throw new PluginInvalidException(name + " is " + Files.size(jar) + " bytes; a plugin JAR may be at most "
                        + settings.limits().maxBytes() + " bytes (SB_PLUGIN_MAX_BYTES)");
            }
        } catch (IOException e) {
            throw new PluginInvalidException("cannot read plugin JAR " + name + ": " + e.getMessage(), e);
        }
        // Every load reads its own copy (never shared, even for identical bytes): replacing or deleting the
        // original cannot corrupt a version still running, and unloading one version cannot delete another's JAR.
        Path copy;
        String sha256;
        try {
            copy = Files.createTempFile(workDir(), "plugin-", ".jar");
            sha256 = copyHashing(jar, copy);
        } catch (IOException e) {
            throw new PluginInvalidException("cannot read plugin JAR " + name + ": " + e.getMessage(), e);
        }
        try {
            return install(jar, copy, sha256);
        } catch (RuntimeException e) {
            deleteQuietly(copy);
            throw e;
        }
    }

    private InstalledPlugin install(Path source, Path copy, String sha256) {
        String name = source.getFileName().toString();
        Path folder = source.toAbsolutePath().normalize().getParent();
        JarInspector.check(copy, name, settings.limits(), trustedDirectories.contains(folder) ? null : settings.trusted());
        PluginDescriptor descriptor = readDescriptor(copy, name);
        String id = descriptor.getPluginId();
        String version = descriptor.getVersion();
        if (id == null || !ID.matcher(id).matches()) {
            throw new PluginInvalidException(name + ": Plugin-Id '" + id + "' must match " + ID.pattern());
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new PluginInvalidException(name + ": Plugin-Version '" + version + "' of plugin '" + id
                    + "' is not a semantic version like 1.2.0");
        }
        String requires = descriptor.getRequires();
        if (requires != null && !requires.isBlank() && !requires.equals("*")) {
            boolean satisfied;
            try {
                satisfied = versions.checkVersionConstraint(PlatformApi.VERSION, requires);
            } catch (RuntimeException e) {
                throw new PluginInvalidException(name + ": Plugin-Requires '" + requires + "' of plugin '" + id
                        + "' is not a version range (e.g. >=1.0.0 & <2.0.0)", e);
            }
            if (!satisfied) {
                throw new PluginInvalidException("plugin '" + id + "' " + version + " requires platform API " + requires
                        + ", but this platform provides API " + PlatformApi.VERSION);
            }
        }
        LoadedPlugin existing = current.get(id);
        if (existing != null && versions.compareVersions(version, existing.version()) <= 0) {
            throw new PluginConflictException("plugin '" + id + "' " + existing.version()
                    + " is installed; only a newer version replaces it (got " + version + ")");
        }

        IsolatingPluginManager manager = new IsolatingPluginManager(workDir());
        manager.setSystemVersion(PlatformApi.VERSION);
        String loadedId;
        try {
            loadedId = manager.loadPlugin(copy);
        } catch (RuntimeException e) {
            throw new PluginInvalidException("cannot load plugin '" + id + "' from " + name + ": " + e.getMessage(), e);
        }
        PluginWrapper wrapper = manager.getPlugin(loadedId);
        ClassLoader loader = wrapper.getPluginClassLoader();
        IntegrationRegistry.Registration registration = null;
        try {
            PluginState state = withContextLoader(loader, () -> manager.startPlugin(loadedId));
            if (state != PluginState.STARTED) {
                Throwable failure = wrapper.getFailedException();
                throw new PluginInvalidException("plugin '" + id + "' " + version + " from " + name + " failed to start"
                        + (failure == null ? " (state " + state + ")" : ": " + failure), failure);
            }
            List<IntegrationManifest> manifests = withContextLoader(loader, () -> {
                List<IntegrationManifest> found = new ArrayList<>();
                for (Integration integration : manager.getExtensions(Integration.class, loadedId)) {
                    found.add(integration.manifest());
                }
                return found;
            });
            if (manifests.isEmpty()) {
                throw new PluginInvalidException("plugin '" + id + "' from " + name
                        + " provides no integration (no @Extension class implementing Integration; on JDK 23+ compile with <proc>full</proc>)");
            }
            PluginUsage usage = new PluginUsage(id, version);
            try {
                registration = registry.registerPlugin(id, manifests, loader, usage);
            } catch (IntegrationConflictException e) {
                throw new PluginConflictException("plugin '" + id + "' from " + name + ": " + e.getMessage(), e);
            } catch (FieldDependencyException e) {
                throw new PluginInvalidException("plugin '" + id + "' " + version + " from " + name + ": " + e.getMessage(), e);
            }
            List<String> integrationIds = manifests.stream().map(IntegrationManifest::id).toList();
            LoadedPlugin loaded = new LoadedPlugin(wrapper.getDescriptor(), source, copy, sha256, manager, usage,
                    integrationIds, registration);
            current.put(id, loaded);
            if (existing != null) {
                LOG.info("plugin {} upgraded {} -> {}; {} running execution(s) finish on {}", id, existing.version(),
                        version, existing.usage.inUse(), existing.version());
                retire(existing);
            } else {
                LOG.info("plugin {} {} installed: integrations {}", id, version, integrationIds);
            }
            InstalledPlugin installed = info(loaded);
            notifyListeners(listener -> listener.installed(installed));
            return installed;
        } catch (RuntimeException | LinkageError e) {
            if (registration != null) {
                registration.close();
            }
            stopAndUnload(manager, loadedId, loader);
            if (e instanceof PluginInvalidException || e instanceof PluginConflictException) {
                throw (RuntimeException) e;
            }
            throw new PluginInvalidException("plugin '" + id + "' " + version + " from " + name + " failed to start: " + e, e);
        }
    }

    /**
     * Removes a plugin: its integrations leave at once; it is unloaded when no execution uses it.
     *
     * @param force cancel the executions that use it instead of refusing
     * @throws PluginInUseException when executions use it and {@code force} is false
     * @throws UnknownPluginException when it is not installed
     */
    public synchronized void remove(String pluginId, boolean force) {
        LoadedPlugin plugin = current.get(pluginId);
        if (plugin == null) {
            throw new UnknownPluginException("no plugin '" + pluginId + "' is installed");
        }
        int inUse = runningExecutions(pluginId);
        if (inUse > 0 && !force) {
            throw new PluginInUseException("plugin '" + pluginId + "' is used by " + inUse
                    + " running execution(s); wait for them or remove it with force (they will be cancelled)");
        }
        current.remove(pluginId);
        plugin.registration.close();
        retire(plugin);
        if (inUse > 0) {
            List<String> cancelled = engine.cancelExecutionsUsing(pluginId);
            LOG.warn("plugin {} removed by force: cancelled executions {}", pluginId, cancelled);
        } else {
            LOG.info("plugin {} {} removed", pluginId, plugin.version());
        }
        notifyListeners(listener -> listener.removed(pluginId));
    }

    /**
     * Removes a plugin once no execution uses it (its integrations leave at once). What deleting a JAR from the
     * watched plugins folder does.
     */
    public synchronized void removeWhenIdle(String pluginId) {
        LoadedPlugin plugin = current.remove(pluginId);
        if (plugin == null) {
            throw new UnknownPluginException("no plugin '" + pluginId + "' is installed");
        }
        plugin.registration.close();
        retire(plugin);
        LOG.info("plugin {} {} removed; unloaded when its {} running execution(s) end", pluginId, plugin.version(),
                plugin.usage.inUse());
        notifyListeners(listener -> listener.removed(pluginId));
    }

    /**
     * Trusts the JARs of {@code directory} without a signature (the built-in plugins shipped with the server): the
     * size and entry checks still apply.
     */
    public void trustDirectory(Path directory) {
        trustedDirectories.add(directory.toAbsolutePath().normalize());
    }

    /** Installs every {@code *.jar} of a folder, in name order; a JAR that fails does not stop the others. */
    public DirectoryLoad loadDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PluginInvalidException("plugins folder " + directory.toAbsolutePath() + " does not exist");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugins folder " + directory.toAbsolutePath(), e);
        }
        List<InstalledPlugin> installed = new ArrayList<>();
        Map<Path, RuntimeException> failed = new LinkedHashMap<>();
        for (Path jar : jars) {
            try {
                installed.add(install(jar));
            } catch (PluginInvalidException | PluginConflictException e) {
                LOG.error("plugin JAR {} not installed: {}", jar, e.getMessage());
                failed.put(jar, e);
            }
        }
        return new DirectoryLoad(installed, failed);
    }

    /** Every installed plugin (its current version), by id. */
    public List<InstalledPlugin> list() {
        return current.values().stream().map(this::info).sorted(Comparator.comparing(InstalledPlugin::id)).toList();
    }

    /** The installed plugin with this id. */
    public Optional<InstalledPlugin> find(String pluginId) {
        return Optional.ofNullable(current.get(pluginId)).map(this::info);
    }

    /** The installed plugin whose JAR came from {@code source}, if any. */
    public Optional<InstalledPlugin> findBySource(Path source) {
        Path normalized = source.toAbsolutePath().normalize();
        return current.values().stream()
                .filter(p -> p.source.toAbsolutePath().normalize().equals(normalized))
                .findFirst().map(this::info);
    }

    /** Whether a JAR with this SHA-256 is the current version of some plugin. */
    public boolean isInstalled(String sha256) {
        return current.values().stream().anyMatch(p -> p.sha256.equals(sha256));
    }

    /** Old versions still loaded because executions use them. */
    public int retiringVersions() {
        return retiring.size();
    }

    private int runningExecutions(String pluginId) {
        int count = 0;
        LoadedPlugin plugin = current.get(pluginId);
        if (plugin != null) {
            count += plugin.usage.inUse();
        }
        for (LoadedPlugin old : retiring) {
            if (old.id().equals(pluginId)) {
                count += old.usage.inUse();
            }
        }
        return count;
    }

    private InstalledPlugin info(LoadedPlugin plugin) {
        PluginDescriptor d = plugin.descriptor;
        return new InstalledPlugin(d.getPluginId(), d.getVersion(), d.getPluginDescription(), d.getRequires(),
                d.getProvider(), plugin.integrationIds, plugin.usage.retired() ? "retiring" : "started", plugin.source,
                plugin.sha256, runningExecutions(d.getPluginId()));
    }

    private void retire(LoadedPlugin plugin) {
        retiring.add(plugin);
        plugin.usage.retire(() -> unload(plugin));
    }

    /** Stops and unloads a retired version; runs on whichever thread released its last execution. */
    private void unload(LoadedPlugin plugin) {
        synchronized (plugin) {
            if (plugin.unloaded) {
                return;
            }
            plugin.unloaded = true;
        }
        ClassLoader loader = plugin.manager.getPluginClassLoader(plugin.id());
        stopAndUnload(plugin.manager, plugin.id(), loader);
        // Plugins share the platform's Jackson; its default TypeFactory caches the types they (de)serialised.
        TypeFactory.defaultInstance().clearCache();
        deleteQuietly(plugin.copy);
        retiring.remove(plugin);
        LOG.info("plugin {} {} unloaded", plugin.id(), plugin.version());
    }

    private static void stopAndUnload(IsolatingPluginManager manager, String pluginId, ClassLoader loader) {
        try {
            withContextLoader(loader, () -> {
                manager.stopPlugin(pluginId);
                return null;
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("plugin {} failed to stop cleanly: {}", pluginId, e.toString());
        }
        try {
            manager.unloadPlugin(pluginId);
        } catch (RuntimeException e) {
            LOG.warn("plugin {} failed to unload cleanly: {}", pluginId, e.toString());
        }
    }

    private static PluginDescriptor readDescriptor(Path copy, String name) {
        try {
            PluginDescriptor descriptor = new ManifestPluginDescriptorFinder().find(copy);
            if (descriptor.getPluginId() == null || descriptor.getPluginId().isBlank()) {
                throw new PluginInvalidException(name + " is not a plugin JAR: its META-INF/MANIFEST.MF has no Plugin-Id");
            }
            return descriptor;
        } catch (PluginInvalidException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PluginInvalidException(name + " is not a readable plugin JAR (corrupt, or no META-INF/MANIFEST.MF with "
                    + "Plugin-Id and Plugin-Version): " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static <T> T withContextLoader(ClassLoader loader, Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private synchronized Path workDir() {
        if (workDir == null) {
            try {
                workDir = settings.workDir() != null
                        ? Files.createDirectories(settings.workDir())
                        : Files.createTempDirectory("sb-plugins-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the plugin work folder", e);
            }
        }
        return workDir;
    }

    /** Copies {@code from} to {@code to} and returns the SHA-256 (hex) of what was copied. */
    private static String copyHashing(Path from, Path to) throws IOException {
        try (OutputStream out = Files.newOutputStream(to)) {
            return digest(from, out);
        }
    }

    /** The SHA-256 (hex) of a file: how installed JARs are identified. */
    static String sha256(Path file) throws IOException {
        return digest(file, OutputStream.nullOutputStream());
    }

    private static String digest(Path file, OutputStream copyTo) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(copyTo);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** Unloads every plugin (running executions are the engine's to stop first) and deletes the work folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LoadedPlugin plugin : List.copyOf(current.values())) {
            plugin.registration.close();
            unload(plugin);
        }
        current.clear();
        for (LoadedPlugin plugin : List.copyOf(retiring)) {
            unload(plugin);
        }
        if (workDir != null && settings.workDir() == null) {
            try (Stream<Path> files = Files.list(workDir)) {
                files.forEach(PluginService::deleteQuietly);
            } catch (IOException e) {
                LOG.warn("could not clean {}: {}", workDir, e.toString());
            }
            deleteQuietly(workDir);
        }
    }
}
