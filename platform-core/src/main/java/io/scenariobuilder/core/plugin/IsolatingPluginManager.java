package io.scenariobuilder.core.plugin;

import java.nio.file.Path;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;

/**
 * PF4J's JAR plugin manager with {@link IsolatingPluginClassLoader}s. The platform uses one per loaded plugin
 * version, so two versions of one plugin can be loaded at once while an upgrade drains.
 */
final class IsolatingPluginManager extends JarPluginManager {

    IsolatingPluginManager(Path root) {
        super(root);
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                IsolatingPluginClassLoader loader =
                        new IsolatingPluginClassLoader(pluginManager, descriptor, PluginManager.class.getClassLoader());
                loader.addFile(pluginPath.toFile());
                return loader;
            }
        };
    }
}
