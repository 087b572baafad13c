package io.scenariobuilder.core.integration;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts the executions that use one loaded plugin version, so that it is unloaded only when none does. A retired
 * usage takes no new executions; its idle callbacks run once the last one is released.
 */
public final class PluginUsage {

    private final String pluginId;
    private final String version;
    private int inUse;
    private boolean retired;
    private final List<Runnable> onIdle = new ArrayList<>(1);

    public PluginUsage(String pluginId, String version) {
        this.pluginId = pluginId;
        this.version = version;
    }

    /** The plugin id. */
    public String pluginId() {
        return pluginId;
    }

    /** The plugin version. */
    public String version() {
        return version;
    }

    /** Counts one more execution in; false when the plugin is retired (the caller must recompile and retry). */
    public synchronized boolean tryAcquire() {
        if (retired) {
            return false;
        }
        inUse++;
        return true;
    }

    /** Counts one execution out. */
    public void release() {
        List<Runnable> toRun = List.of();
        synchronized (this) {
            if (inUse == 0) {
                throw new IllegalStateException("plugin " + pluginId + " " + version + " released more often than acquired");
            }
            inUse--;
            if (inUse == 0 && retired) {
                toRun = List.copyOf(onIdle);
                onIdle.clear();
            }
        }
        if (!toRun.isEmpty()) {
            // The last execution ends on whatever thread finished it (often the store's writer, whose every commit
            // would wait): the plugin's stop(), its unload and its file deletion run on a thread of their own.
            List<Runnable> work = toRun;
            Thread.ofVirtual().name("sb-plugin-idle-" + pluginId).start(() -> work.forEach(Runnable::run));
        }
    }

    /** How many executions use it now. */
    public synchronized int inUse() {
        return inUse;
    }

    /** Whether it takes no new executions. */
    public synchronized boolean retired() {
        return retired;
    }

    /** Takes no new executions from now on; runs {@code whenIdle} once none uses it (at once if none does). */
    public void retire(Runnable whenIdle) {
        boolean now;
        synchronized (this) {
            retired = true;
            now = inUse == 0;
            if (!now) {
                onIdle.add(whenIdle);
            }
        }
        if (now) {
            whenIdle.run();
        }
    }

    @Override
    public String toString() {
        return pluginId + "@" + version;
    }
}
