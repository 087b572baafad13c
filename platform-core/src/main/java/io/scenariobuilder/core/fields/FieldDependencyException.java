package io.scenariobuilder.core.fields;

/** An action's field specs cannot be resolved: a dependency cycle, an unknown dependency, a provider missing. */
public final class FieldDependencyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public FieldDependencyException(String message) {
        super(message);
    }
}
