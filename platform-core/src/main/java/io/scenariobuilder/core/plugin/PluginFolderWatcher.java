package io.scenariobuilder.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins folder: a JAR dropped in is installed (or upgrades its plugin), a JAR replaced is installed
 * again, a JAR deleted removes its plugin once no execution uses it. Events are settled for a quiet period first,
 * so a JAR still being copied is not read half-written.
 */
public final class PluginFolderWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginFolderWatcher.class);
    /** Plugin installs and removals are security lines (the server's {@code security} category). */
    private static final Logger SECURITY = LoggerFactory.getLogger("io.scenariobuilder.security");

    /** How long a JAR must stay unchanged before it is read, by default. */
    public static final long DEFAULT_QUIET_MS = 500;

    private final PluginService plugins;
    private final Path folder;
    private final long quietMs;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;

    /** Starts watching {@code folder} (which must exist) with the default quiet period. */
    public PluginFolderWatcher(PluginService plugins, Path folder) {
        this(plugins, folder, DEFAULT_QUIET_MS);
    }

    /**
     * Starts watching {@code folder} (which must exist).
     *
     * @param quietMs how long a JAR must stay unchanged before it is read
     */
    public PluginFolderWatcher(PluginService plugins, Path folder, long quietMs) {
        this.plugins = plugins;
        this.folder = folder.toAbsolutePath().normalize();
        this.quietMs = quietMs;
        try {
            this.watcher = FileSystems.getDefault().newWatchService();
            this.folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch plugins folder " + this.folder, e);
        }
        this.thread = Thread.ofPlatform().daemon().name("sb-plugin-watcher").start(this::loop);
    }

    private void loop() {
        Map<Path, Long> pending = new LinkedHashMap<>();
        while (!closed) {
            try {
                WatchKey key = pending.isEmpty() ? watcher.take() : watcher.poll(quietMs, TimeUnit.MILLISECONDS);
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name && name.toString().endsWith(".jar")) {
                            pending.put(folder.resolve(name), System.nanoTime());
                        }
                    }
                    key.reset();
                }
                long now = System.nanoTime();
                for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                    var entry = it.next();
                    if (now - entry.getValue() >= TimeUnit.MILLISECONDS.toNanos(quietMs)) {
                        it.remove();
                        settle(entry.getKey());
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("plugins folder watcher: {}", e.toString(), e);
            }
        }
    }

    /** Brings the installed plugins in line with one JAR of the folder. */
    private void settle(Path jar) {
        try {
            if (!Files.exists(jar)) {
                plugins.findBySource(jar).ifPresent(plugin -> {
                    SECURITY.info("the plugins folder removed plugin '{}' ({} was deleted)", plugin.id(), jar.getFileName());
                    plugins.removeWhenIdle(plugin.id());
                });
                return;
            }
            if (plugins.isInstalled(PluginService.sha256(jar))) {
                return; // already running exactly this JAR
            }
            var installed = plugins.install(jar);
            SECURITY.info("the plugins folder installed plugin '{}' {} from {}", installed.id(), installed.version(), jar.getFileName());
        } catch (PluginInvalidException | PluginConflictException | UnknownPluginException e) {
            LOG.error("{} in the plugins folder was not installed: {}", jar.getFileName(), e.getMessage());
        } catch (IOException e) {
            LOG.error("cannot read {}: {}", jar, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.warn("closing the plugins folder watcher: {}", e.toString());
        }
        thread.interrupt();
    }
}
