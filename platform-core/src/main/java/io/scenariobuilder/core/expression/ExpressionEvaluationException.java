package io.scenariobuilder.core.expression;

/** An expression failed while being evaluated (a type error, a failed function call...). */
public final class ExpressionEvaluationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExpressionEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
