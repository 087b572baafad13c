package io.scenariobuilder.core.expression;

/** An expression or template does not parse. */
public final class ExpressionSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int position;

    public ExpressionSyntaxException(String message, int position, Throwable cause) {
        super(message, cause);
        this.position = position;
    }

    /** The character offset of the problem in the source text (0-based), or -1 when unknown. */
    public int position() {
        return position;
    }
}
