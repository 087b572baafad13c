package io.scenariobuilder.core.plugin;

/** The plugin clashes with what is installed: the same or a newer version is there, or another plugin provides one of its integrations. */
public final class PluginConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginConflictException(String message) {
        super(message);
    }

    public PluginConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
