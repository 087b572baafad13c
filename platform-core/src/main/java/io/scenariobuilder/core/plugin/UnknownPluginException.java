package io.scenariobuilder.core.plugin;

/** No plugin with that id is installed. */
public final class UnknownPluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownPluginException(String message) {
        super(message);
    }

    public UnknownPluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
