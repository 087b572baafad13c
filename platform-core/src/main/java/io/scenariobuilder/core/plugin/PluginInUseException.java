package io.scenariobuilder.core.plugin;

/** The plugin is used by running executions; remove it with force to cancel them. */
public final class PluginInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginInUseException(String message) {
        super(message);
    }

    public PluginInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
