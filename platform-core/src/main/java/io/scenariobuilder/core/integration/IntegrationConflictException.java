package io.scenariobuilder.core.integration;

/** Two plugins provide an integration with the same id. */
public final class IntegrationConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IntegrationConflictException(String message) {
        super(message);
    }
}
