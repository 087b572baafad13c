package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.ExpressionSyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a node's configuration against its action's field specs: unknown keys, required fields, types, and the
 * validation rules. At save time a string holding a {@code {{ }}} template stands for a value of any type; before a
 * node runs, the resolved configuration is checked in full.
 */
public final class ConfigurationValidator {

    private final ExpressionCompiler expressions;

    public ConfigurationValidator(ExpressionCompiler expressions) {
        this.expressions = expressions;
    }

    /**
     * Checks {@code configuration}.
     *
     * @param templatesAllowed true at save time (template strings are checked by their parser instead)
     * @return problems with the field path relative to the configuration ({@code url}, {@code headers.x})
     */
    public List<ConfigurationProblem> validate(JsonNode configuration, ActionDefinition action, boolean templatesAllowed) {
        List<ConfigurationProblem> problems = checkFields(configuration, action.fields(), templatesAllowed, "configuration key",
                "this action takes no configuration");
        // A call into the plugin: its class loader is the context class loader, as for every other call.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(action.executor().getClass().getClassLoader());
        try {
            problems.addAll(action.executor().validate(configuration));
        } catch (RuntimeException e) {
            problems.add(new ConfigurationProblem("", "the action's own validation failed: " + e));
        } finally {
            thread.setContextClassLoader(previous);
        }
        return problems;
    }

    /**
     * Checks a connection's credentials against its connection type's fields, as a node's configuration is checked:
     * unknown fields, required fields, types and the validation rules (no templates: credentials are literal).
     *
     * @return problems with the credential field's name as their path
     */
    public List<ConfigurationProblem> validateCredentials(JsonNode credentials, ConnectionType type) {
        return checkFields(credentials, type.fields(), false, "credential field", "this integration takes no credentials");
    }

    private List<ConfigurationProblem> checkFields(JsonNode values, List<DynamicFieldConfig> fields, boolean templatesAllowed,
            String what, String none) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (Iterator<String> names = values.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (fields.stream().noneMatch(field -> field.fieldName().equals(name))) {
                String known = fields.isEmpty() ? none : "known keys: " + fields.stream().map(DynamicFieldConfig::fieldName).toList();
                problems.add(new ConfigurationProblem(name, "unknown " + what + " '" + name + "' (" + known + ")"));
            }
        }
        for (DynamicFieldConfig field : fields) {
            JsonNode value = values.get(field.fieldName());
            if (value == null || value.isNull()) {
                if (field.required() && field.defaultValue() == null) {
                    problems.add(new ConfigurationProblem(field.fieldName(), "required field '" + field.fieldName() + "' is missing"));
                }
                continue;
            }
            if (templatesAllowed && value.isTextual() && value.textValue().contains("{{") && !field.ui().isJsonata()) {
                continue;
            }
            checkValue(field, value, problems);
        }
        return problems;
    }

    private void checkValue(DynamicFieldConfig field, JsonNode value, List<ConfigurationProblem> problems) {
        String name = field.fieldName();
        ValidationRules rules = field.validation();
        FieldType type = field.type();
        switch (type) {
            case INPUT, TEXTAREA -> {
                if (!value.isTextual()) {
                    problems.add(new ConfigurationProblem(name, "expected a string, got " + ScenarioParser.kind(value)));
                    return;
                }
                if (field.ui().isJsonata()) {
                    try {
                        expressions.compile(value.textValue());
                    } catch (ExpressionSyntaxException e) {
                        problems.add(new ConfigurationProblem(name, "expression does not parse: " + e.getMessage()));
                    }
                }
                checkString(name, value.textValue(), rules, problems);
            }
            case SELECT -> {
                if (!value.isValueNode()) {
                    problems.add(new ConfigurationProblem(name, "expected one option value, got " + ScenarioParser.kind(value)));
                    return;
                }
                checkString(name, value.asText(), rules, problems);
            }
            case MULTI_SELECT -> {
                if (!value.isArray()) {
                    problems.add(new ConfigurationProblem(name, "expected an array of option values, got " + ScenarioParser.kind(value)));
                    return;
                }
                for (JsonNode element : value) {
                    checkString(name, element.asText(), rules, problems);
                }
            }
            case NUMBER -> {
                if (!value.isNumber()) {
                    problems.add(new ConfigurationProblem(name, "expected a number, got " + ScenarioParser.kind(value)));
                    return;
                }
                double d = value.asDouble();
                if (rules.min() != null && d < rules.min()) {
                    problems.add(new ConfigurationProblem(name, "must be at least " + format(rules.min()) + ", got " + value));
                }
                if (rules.max() != null && d > rules.max()) {
                    problems.add(new ConfigurationProblem(name, "must be at most " + format(rules.max()) + ", got " + value));
                }
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    problems.add(new ConfigurationProblem(name, "expected true or false, got " + ScenarioParser.kind(value)));
                }
            }
            case DATE -> {
                if (!value.isTextual() || !parses(() -> LocalDate.parse(value.textValue()))) {
                    problems.add(new ConfigurationProblem(name, "expected an ISO date like 2026-11-26, got " + value));
                }
            }
            case DATETIME -> {
                if (!value.isTextual() || !parses(() -> OffsetDateTime.parse(value.textValue()))) {
                    problems.add(new ConfigurationProblem(name, "expected an ISO date-time like 2026-11-26T18:00:00Z, got " + value));
                }
            }
            case JSON -> {
                // Any JSON value.
            }
        }
    }

    private static void checkString(String name, String text, ValidationRules rules, List<ConfigurationProblem> problems) {
        if (rules.enumValues() != null && !rules.enumValues().contains(text)) {
            problems.add(new ConfigurationProblem(name, "must be one of " + rules.enumValues() + ", got '" + text + "'"));
        }
        if (rules.minLength() != null && text.length() < rules.minLength()) {
            problems.add(new ConfigurationProblem(name, "must be at least " + rules.minLength() + " characters long"));
        }
        if (rules.maxLength() != null && text.length() > rules.maxLength()) {
            problems.add(new ConfigurationProblem(name, "must be at most " + rules.maxLength() + " characters long"));
        }
        if (rules.pattern() != null && !Pattern.compile(rules.pattern()).matcher(text).matches()) {
            problems.add(new ConfigurationProblem(name, "must match " + rules.pattern()));
        }
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
