package io.scenariobuilder.core.fields;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.testing.TestEngine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Before a node runs, its option fields are checked against what the plugin offers now. */
class OptionsAtRunTimeTest {

    private final List<String> offered = new CopyOnWriteArrayList<>(List.of("fr", "de"));
    private final AtomicBoolean providerDown = new AtomicBoolean();
    private TestEngine t;

    @BeforeEach
    void start() {
        t = new TestEngine();
        t.install(new IntegrationManifest("shop", "Shop", "1.0", "", null, null, List.of(ActionDefinition.builder("greet",
                        context -> ActionResult.of(context.configuration()))
                .field(DynamicFieldConfig.builder("region", FieldType.INPUT).build())
                .field(DynamicFieldConfig.builder("language", FieldType.SELECT).required(true)
                        .fetchOptions(new FetchOptions(List.of("region"), 0, false)).build())
                .optionsProvider("language", request -> {
                    if (providerDown.get()) {
                        throw IntegrationException.networkError("the language API is down", null);
                    }
                    return offered.stream().map(code -> FieldOption.of(code, code)).toList();
                })
                .build())));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static final String SCENARIO = """
            {"nodes": [{"id": "hello", "integrationId": "shop", "actionId": "greet",
              "configuration": {"region": "eu", "language": "{{ trigger.language }}"}}]}""";

    @Test
    void anOfferedValueRunsAndOneNotOfferedFailsTheNodeNamingTheFieldAndTheOptions() {
        ExecutionResult fine = t.run(SCENARIO, "{\"language\": \"fr\"}");
        assertThat(fine.status()).isEqualTo(ExecutionStatus.COMPLETED);

        ExecutionResult refused = t.run(SCENARIO, "{\"language\": \"xx\"}");
        assertThat(refused.status()).isEqualTo(ExecutionStatus.FAILED);
        var node = refused.requireNode("hello");
        assertThat(node.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(node.error().type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(node.error().message()).contains("field 'language'").contains("'xx' is not one of the options")
                .contains("offered: [fr, de]");
    }

    @Test
    void aValueTheProviderNoLongerOffersFailsTheNextRun() {
        String constant = """
                {"nodes": [{"id": "hello", "integrationId": "shop", "actionId": "greet",
                  "configuration": {"region": "eu", "language": "de"}}]}""";
        assertThat(t.run(constant).status()).isEqualTo(ExecutionStatus.COMPLETED);
        offered.remove("de");
        ExecutionResult after = t.run(constant);
        assertThat(after.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(after.requireNode("hello").error().message()).contains("'de' is not one of the options").contains("offered: [fr]");
    }

    @Test
    void aProviderThatFailsAtRunTimeLeavesTheValueUncheckedAndSaysSo() {
        providerDown.set(true);
        ExecutionResult result = t.run(SCENARIO, "{\"language\": \"xx\"}");
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        List<LogEntry> lines = t.store.logs(result.id());
        assertThat(lines).anySatisfy(line -> assertThat(line.message())
                .contains("field 'language' not checked against its options").contains("the language API is down"));
    }
}
