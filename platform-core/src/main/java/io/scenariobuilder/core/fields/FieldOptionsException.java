package io.scenariobuilder.core.fields;

import java.util.List;
import java.util.Objects;

/**
 * Why a field's options could not be given. The server answers each reason with its own status: {@link
 * Reason#UNKNOWN} 404, {@link Reason#NO_OPTIONS} 400, {@link Reason#MISSING_DEPENDENCIES} and {@link
 * Reason#BAD_CONNECTION} 422, {@link Reason#FETCH_FAILED} 502, {@link Reason#TIMEOUT} 504.
 */
public final class FieldOptionsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Reason {
        /** No such integration, action or field. */
        UNKNOWN,
        /** The field neither fetches options nor lists fixed ones. */
        NO_OPTIONS,
        /** Values of fields it depends on are absent ({@link #fields()} names them). */
        MISSING_DEPENDENCIES,
        /** The connection does not exist or belongs to another integration. */
        BAD_CONNECTION,
        /** The plugin's provider threw (its message is redacted of the connection's secrets). */
        FETCH_FAILED,
        /** The provider did not answer in time. */
        TIMEOUT
    }

    private final Reason reason;
    private final transient List<String> fields;
    private final String errorType;

    public FieldOptionsException(Reason reason, String message) {
        this(reason, message, List.of(), null);
    }

    /**
     * @param fields the fields concerned (the missing dependencies), or empty
     * @param errorType the provider's error type when it failed ({@code authentication_failed}, ...), or {@code null}
     */
    public FieldOptionsException(Reason reason, String message, List<String> fields, String errorType) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fields = List.copyOf(fields);
        this.errorType = errorType;
    }

    public Reason reason() {
        return reason;
    }

    /** The fields concerned: the missing dependencies. */
    public List<String> fields() {
        return fields;
    }

    /** The provider's error type when it failed, else {@code null}. */
    public String errorType() {
        return errorType;
    }
}
