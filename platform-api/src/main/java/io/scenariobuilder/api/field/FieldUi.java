package io.scenariobuilder.api.field;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Hints for the editor; they change nothing at run time. {@code format: "jsonata"} marks a field whose value is
 * a bare JSONata expression (not a template): the platform checks it parses when the scenario is saved.
 *
 * <pre>{@code new FieldUi("https://...", "The endpoint to call", null, null, null, null, null)}</pre>
 *
 * @param placeholder shown in an empty input
 * @param helpText shown under the input
 * @param rows text area height
 * @param min slider/number minimum
 * @param max slider/number maximum
 * @param step number step
 * @param format a display format or {@code jsonata}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldUi(String placeholder, String helpText, Integer rows, Double min, Double max, Double step, String format) {

    /** The format that marks a bare JSONata expression. */
    public static final String FORMAT_JSONATA = "jsonata";

    /** No hints. */
    public static final FieldUi NONE = new FieldUi(null, null, null, null, null, null, null);

    /** Hints for a JSONata expression field. */
    public static FieldUi jsonata(String helpText) {
        return new FieldUi(null, helpText, 4, null, null, null, FORMAT_JSONATA);
    }

    /** Whether the field holds a bare JSONata expression. */
    public boolean isJsonata() {
        return FORMAT_JSONATA.equals(format);
    }
}
