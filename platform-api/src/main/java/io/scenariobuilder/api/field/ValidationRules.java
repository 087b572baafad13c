package io.scenariobuilder.api.field;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rules a field's value must follow; {@code null} members do not apply.
 *
 * <pre>{@code new ValidationRules(0.0, 86_400_000.0, null, null, null, null, null)}</pre>
 *
 * @param min smallest number allowed
 * @param max largest number allowed
 * @param minLength shortest string allowed
 * @param maxLength longest string allowed
 * @param pattern a Java regular expression the whole string must match
 * @param enumValues the only values allowed (wire name {@code enum})
 * @param custom the name of a custom rule the action's {@code validate} applies
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationRules(
        Double min,
        Double max,
        Integer minLength,
        Integer maxLength,
        String pattern,
        @JsonProperty("enum") List<String> enumValues,
        String custom) {

    /** No rules. */
    public static final ValidationRules NONE = new ValidationRules(null, null, null, null, null, null, null);

    public ValidationRules {
        enumValues = enumValues == null ? null : List.copyOf(enumValues);
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("validation pattern does not compile: " + e.getMessage(), e);
            }
        }
    }

    /** Only these values are allowed. */
    public static ValidationRules oneOf(List<String> values) {
        return new ValidationRules(null, null, null, null, null, values, null);
    }

    /** Numbers from {@code min} to {@code max}, inclusive. */
    public static ValidationRules range(double min, double max) {
        return new ValidationRules(min, max, null, null, null, null, null);
    }
}
