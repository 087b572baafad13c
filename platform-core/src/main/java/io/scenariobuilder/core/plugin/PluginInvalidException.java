package io.scenariobuilder.core.plugin;

/** The JAR is not a plugin the platform can install: corrupt, no descriptor, wrong API range, or its start failed. The running platform is unchanged. */
public final class PluginInvalidException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginInvalidException(String message) {
        super(message);
    }

    public PluginInvalidException(String message, Throwable cause) {
        super(message, cause);
    }
}
