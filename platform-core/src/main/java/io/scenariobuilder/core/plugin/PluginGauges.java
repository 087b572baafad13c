package io.scenariobuilder.core.plugin;

import com.codahale.metrics.Gauge;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installed plugins as metrics: one gauge of value 1 per plugin and version ({@link #LOADED}), which follows
 * installs, upgrades and removals.
 */
final class PluginGauges implements PluginService.Listener {

    static final MetricFamily INSTALLED = MetricFamily.of("sb.plugins.installed", MetricFamily.Kind.GAUGE, "sb_plugins_installed",
            "Plugins installed now");
    static final MetricFamily LOADED = MetricFamily.of("sb.plugin.loaded", MetricFamily.Kind.GAUGE, "sb_plugin_loaded",
            "1 for each installed plugin, labelled with its id and version", "plugin", "version");
    private static final Gauge<Integer> ONE = () -> 1;

    private final PlatformMetrics metrics;
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    PluginGauges(PlatformMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void installed(PluginService.InstalledPlugin plugin) {
        String before = versions.put(plugin.id(), plugin.version());
        if (before != null && !before.equals(plugin.version())) {
            metrics.remove(LOADED, plugin.id(), before);
        }
        metrics.gauge(LOADED, ONE, plugin.id(), plugin.version());
    }

    @Override
    public void removed(String pluginId) {
        String version = versions.remove(pluginId);
        if (version != null) {
            metrics.remove(LOADED, pluginId, version);
        }
    }
}
