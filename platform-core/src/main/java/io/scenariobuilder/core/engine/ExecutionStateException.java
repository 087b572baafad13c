package io.scenariobuilder.core.engine;

/** The requested change does not fit the execution's state (pausing a finished execution, say). */
public final class ExecutionStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExecutionStateException(String message) {
        super(message);
    }
}
