package io.scenariobuilder.core.plugin;

/** A plugin JAR could not be loaded; the message names the JAR and what is wrong with it. */
public final class PluginLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
