package io.scenariobuilder.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.fields.FieldGraph;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/**
 * Checks that an integration's manifest is sound, as Trino's {@code BaseConnectorTest} does for connectors. Extend
 * it in your plugin's tests:
 *
 * <pre>{@code
 * class AcmeIntegrationContractTest extends IntegrationContractTest {
 *     protected Integration integration() {
 *         return new AcmeIntegration();
 *     }
 * }
 * }</pre>
 */
public abstract class IntegrationContractTest {

    /** A fresh instance of the integration under test. */
    protected abstract Integration integration();

    @Test
    void isAnExtensionPf4jCanFind() {
        assertThat(integration().getClass().isAnnotationPresent(Extension.class))
                .as("%s must be annotated with org.pf4j.Extension, or the platform will not find it", integration().getClass().getName())
                .isTrue();
    }

    @Test
    void describesItselfAndEachAction() {
        IntegrationManifest manifest = integration().manifest();
        assertThat(manifest.name()).as("integration name").isNotBlank();
        assertThat(manifest.description()).as("description of integration '%s'", manifest.id()).isNotBlank();
        assertThat(manifest.version()).as("version").matches("\\d+\\.\\d+\\.\\d+.*");
        for (ActionDefinition action : manifest.actions()) {
            assertThat(action.name()).as("name of action '%s'", action.id()).isNotBlank().isNotEqualTo(action.id());
            assertThat(action.description()).as("description of action '%s'", action.id()).isNotBlank();
            for (DynamicFieldConfig field : action.fields()) {
                assertThat(field.label()).as("label of field '%s' of action '%s'", field.fieldName(), action.id()).isNotBlank();
            }
        }
    }

    @Test
    void returnsTheSameManifestEveryTime() {
        IntegrationManifest first = integration().manifest();
        IntegrationManifest second = integration().manifest();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.actions()).extracting(ActionDefinition::id)
                .containsExactlyElementsOf(first.actions().stream().map(ActionDefinition::id).toList());
        assertThat(second.actions()).extracting(ActionDefinition::fields)
                .containsExactlyElementsOf(first.actions().stream().map(ActionDefinition::fields).toList());
    }

    @Test
    void fetchedOptionsHaveAProviderAndDependOnRealFields() {
        for (ActionDefinition action : integration().manifest().actions()) {
            for (DynamicFieldConfig field : action.fields()) {
                if (field.fetchOptions() == null) {
                    continue;
                }
                assertThat(action.optionsProviders())
                        .as("field '%s' of action '%s' fetches options but has no provider", field.fieldName(), action.id())
                        .containsKey(field.fieldName());
                assertThat(field.type()).as("field '%s' with fetched options", field.fieldName())
                        .isIn(FieldType.SELECT, FieldType.MULTI_SELECT);
                for (String dependency : field.fetchOptions().dependsOn()) {
                    assertThat(action.field(dependency))
                            .as("field '%s' of action '%s' depends on unknown field '%s'", field.fieldName(), action.id(), dependency)
                            .isPresent();
                    assertThat(dependency).as("field '%s' depends on itself", field.fieldName()).isNotEqualTo(field.fieldName());
                }
            }
        }
    }

    /** What the platform checks when the plugin loads: the fields' dependencies resolve, without a cycle. */
    @Test
    void fieldDependenciesFormNoCycle() {
        for (ActionDefinition action : integration().manifest().actions()) {
            assertThatCode(() -> FieldGraph.of(action)).as("the fields of action '%s'", action.id()).doesNotThrowAnyException();
        }
    }

    @Test
    void defaultValuesPassTheirOwnFieldSpecs() {
        ConfigurationValidator validator = new ConfigurationValidator(new ExpressionCompiler(100));
        for (ActionDefinition action : integration().manifest().actions()) {
            ObjectNode defaults = JsonNodeFactory.instance.objectNode();
            action.fields().stream().filter(f -> f.defaultValue() != null).forEach(f -> defaults.set(f.fieldName(), f.defaultValue()));
            List<ConfigurationProblem> problems = validator.validate(defaults, action, true).stream()
                    .filter(p -> defaults.has(p.field())).toList();
            assertThat(problems).as("default values of action '%s'", action.id()).isEmpty();
        }
    }

    @Test
    void declaresCapabilitiesAndToleratesTemplatesInValidation() {
        for (ActionDefinition action : integration().manifest().actions()) {
            assertThat(action.executor().getCapabilities()).as("capabilities of action '%s'", action.id()).isNotNull();
            ObjectNode templated = JsonNodeFactory.instance.objectNode();
            action.fields().forEach(f -> templated.put(f.fieldName(), "{{ trigger." + f.fieldName() + " }}"));
            assertThatCode(() -> action.executor().validate(templated))
                    .as("validate() of action '%s' must accept unresolved templates", action.id())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void connectionTypeHasFields() {
        var connectionType = integration().manifest().connectionType();
        if (connectionType != null) {
            assertThat(connectionType.fields()).as("credential fields").isNotEmpty();
        }
    }
}
