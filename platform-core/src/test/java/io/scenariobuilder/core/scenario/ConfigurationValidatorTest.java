package io.scenariobuilder.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.FieldUi;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationValidatorTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ConfigurationValidator validator = new ConfigurationValidator(new ExpressionCompiler());

    private final ActionDefinition action = ActionDefinition.builder("all", new NodeExecutor() {
                @Override
                public ActionResult execute(io.scenariobuilder.api.execution.ExecutionContext context) {
                    return ActionResult.of(null);
                }

                @Override
                public List<ConfigurationProblem> validate(com.fasterxml.jackson.databind.JsonNode configuration) {
                    if (configuration.path("name").asText().equals("forbidden")) {
                        return List.of(new ConfigurationProblem("name", "that name is taken"));
                    }
                    if (Thread.currentThread().getContextClassLoader() != getClass().getClassLoader()) {
                        return List.of(new ConfigurationProblem("", "called without the plugin's context class loader"));
                    }
                    if (configuration.path("name").asText().equals("crash")) {
                        throw new IllegalStateException("validator bug");
                    }
                    return List.of();
                }
            })
            .field(DynamicFieldConfig.builder("name", FieldType.INPUT)
                    .validation(new ValidationRules(null, null, 2, 10, "[a-z]+", null, null)).build())
            .field(DynamicFieldConfig.builder("tags", FieldType.MULTI_SELECT).validation(ValidationRules.oneOf(List.of("a", "b"))).build())
            .field(DynamicFieldConfig.builder("mode", FieldType.SELECT).validation(ValidationRules.oneOf(List.of("x"))).build())
            .field(DynamicFieldConfig.builder("enabled", FieldType.BOOLEAN).build())
            .field(DynamicFieldConfig.builder("day", FieldType.DATE).build())
            .field(DynamicFieldConfig.builder("at", FieldType.DATETIME).build())
            .field(DynamicFieldConfig.builder("size", FieldType.NUMBER).validation(ValidationRules.range(1, 9.5)).build())
            .field(DynamicFieldConfig.builder("expr", FieldType.TEXTAREA).ui(FieldUi.jsonata("x")).build())
            .field(DynamicFieldConfig.builder("body", FieldType.JSON).required(true).build())
            .build();

    private List<String> problems(String configuration, boolean templatesAllowed) throws Exception {
        return validator.validate(json.readTree(configuration), action, templatesAllowed).stream()
                .map(p -> p.field() + ": " + p.message()).toList();
    }

    @Test
    void validValuesOfEveryTypePass() throws Exception {
        assertThat(problems("""
                {"name": "ada", "tags": ["a", "b"], "mode": "x", "enabled": false, "day": "2026-11-26",
                 "at": "2026-11-26T18:00:00Z", "size": 9.5, "expr": "$sum(a)", "body": {"any": [1]}}""", false)).isEmpty();
    }

    @Test
    void wrongTypesAndBrokenRulesAreEachReported() throws Exception {
        assertThat(problems("""
                {"name": "A", "tags": "a", "mode": {"k": 1}, "enabled": "yes", "day": "26/11/2026", "at": 5,
                 "size": 0, "expr": "(((", "other": 1}""", false))
                .containsExactlyInAnyOrder(
                        "other: unknown configuration key 'other' (known keys: [name, tags, mode, enabled, day, at, size, expr, body])",
                        "name: must be at least 2 characters long",
                        "name: must match [a-z]+",
                        "tags: expected an array of option values, got a string",
                        "mode: expected one option value, got an object",
                        "enabled: expected true or false, got a string",
                        "day: expected an ISO date like 2026-11-26, got \"26/11/2026\"",
                        "at: expected an ISO date-time like 2026-11-26T18:00:00Z, got 5",
                        "size: must be at least 1, got 0",
                        "expr: expression does not parse: Expected \")\" before end of expression (at position 3)",
                        "body: required field 'body' is missing");
        assertThat(problems("{\"name\": \"abcdefghijkl\", \"tags\": [\"c\"], \"mode\": \"y\", \"size\": 10, \"expr\": 3, \"body\": 1}", false))
                .containsExactlyInAnyOrder(
                        "name: must be at most 10 characters long",
                        "tags: must be one of [a, b], got 'c'",
                        "mode: must be one of [x], got 'y'",
                        "size: must be at most 9.5, got 10",
                        "expr: expected a string, got a number");
    }

    @Test
    void templatesStandForAnyTypeAtSaveTimeButNotWhenResolved() throws Exception {
        assertThat(problems("{\"size\": \"{{ n }}\", \"body\": 1}", true)).isEmpty();
        assertThat(problems("{\"size\": \"{{ n }}\", \"body\": 1}", false)).containsExactly("size: expected a number, got a string");
    }

    @Test
    void theActionsOwnValidationIsAddedAndItsCrashReported() throws Exception {
        assertThat(problems("{\"name\": \"forbidden\", \"body\": 1}", false)).containsExactly("name: that name is taken");
        assertThat(problems("{\"name\": \"crash\", \"body\": 1}", false))
                .singleElement().asString().contains("the action's own validation failed").contains("validator bug");
    }

    @Test
    void theActionsValidationRunsWithItsOwnClassLoaderAsContextLoader() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ClassLoader other = new java.net.URLClassLoader(new java.net.URL[0], null);
        Thread.currentThread().setContextClassLoader(other);
        try {
            assertThat(problems("{\"name\": \"fine\", \"body\": 1}", false)).isEmpty();
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(other);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    @Test
    void anActionWithoutFieldsSaysSo() throws Exception {
        ActionDefinition bare = ActionDefinition.builder("bare", c -> ActionResult.of(null)).build();
        assertThat(validator.validate(json.readTree("{\"x\": 1}"), bare, true))
                .extracting(ConfigurationProblem::message)
                .containsExactly("unknown configuration key 'x' (this action takes no configuration)");
    }

    /** A text's length limits at their edges: the last length taken, the first refused. */
    @Test
    void aTextTakesItsMinimumAndMaximumLengthAndNotOneCharacterBeyond() throws Exception {
        assertThat(problems("{\"name\": \"ab\", \"body\": {}}", false)).isEmpty();
        assertThat(problems("{\"name\": \"abcdefghij\", \"body\": {}}", false)).isEmpty();
        assertThat(problems("{\"name\": \"a\", \"body\": {}}", false)).containsExactly("name: must be at least 2 characters long");
        assertThat(problems("{\"name\": \"abcdefghijk\", \"body\": {}}", false)).containsExactly("name: must be at most 10 characters long");
    }
}
