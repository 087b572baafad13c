package io.scenariobuilder.core.engine;

/** No execution has that id. */
public final class UnknownExecutionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownExecutionException(String executionId) {
        super("no execution '" + executionId + "'");
    }
}
