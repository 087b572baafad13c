package io.scenariobuilder.core.integration;

/** A compiled scenario names a plugin version that was upgraded or removed since: compile it again. */
public final class PluginRetiredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginRetiredException(PluginUsage usage) {
        super("plugin " + usage + " was upgraded or removed while the execution was starting");
    }
}
