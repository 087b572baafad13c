package io.scenariobuilder.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader. Parent-first for the JDK and the packages the platform shares with plugins (its API,
 * PF4J, SLF4J, Jackson), so a plugin and the host agree on those types; plugin-only for everything else, so a
 * plugin uses the library versions it bundles and never sees the host's class path (Trino's and Kestra's rule).
 */
final class IsolatingPluginClassLoader extends PluginClassLoader {

    /** Class-name prefixes loaded from the platform. Everything else comes from the plugin's JAR. */
    static final List<String> PARENT_FIRST = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.dom.", "org.xml.sax.",
            "io.scenariobuilder.api.",
            "org.pf4j.",
            "org.slf4j.",
            "com.fasterxml.jackson.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final String pluginId;

    IsolatingPluginClassLoader(PluginManager pluginManager, PluginDescriptor descriptor, ClassLoader parent) {
        super(pluginManager, descriptor, parent);
        this.pluginId = descriptor.getPluginId();
    }

    static boolean parentFirst(String className) {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean parentFirstResource(String name) {
        return parentFirst(name.replace('/', '.'));
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(className)) {
            Class<?> loaded = findLoadedClass(className);
            if (loaded != null) {
                return loaded;
            }
            if (parentFirst(className)) {
                return getParent().loadClass(className);
            }
            try {
                return findClass(className);
            } catch (ClassNotFoundException notInPlugin) {
                Class<?> fromDependency = loadClassFromDependencies(className);
                if (fromDependency != null) {
                    return fromDependency;
                }
                throw new ClassNotFoundException(className + " is neither in plugin '" + pluginId()
                        + "' nor shared by the platform (plugins see only the platform API, PF4J, SLF4J, Jackson and what they bundle)");
            }
        }
    }

    @Override
    public URL getResource(String name) {
        if (parentFirstResource(name)) {
            return getParent().getResource(name);
        }
        URL own = findResource(name);
        return own != null ? own : findResourceFromDependencies(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (parentFirstResource(name)) {
            return getParent().getResources(name);
        }
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(findResourcesFromDependencies(name));
        return Collections.enumeration(all);
    }

    private String pluginId() {
        return pluginId;
    }
}
