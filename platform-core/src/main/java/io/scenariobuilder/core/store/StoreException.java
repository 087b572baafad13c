package io.scenariobuilder.core.store;

/** The store could not do what was asked (database unreachable, a write failed). The message says which. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
