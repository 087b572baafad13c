package io.scenariobuilder.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.plugin.PluginConflictException;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestKitTest {

    private final ActionTester core = ActionTester.of(new CoreIntegration());

    /** A small integration with a dynamic field, as an author would write. */
    static final class Sheets implements Integration {
        @Override
        public IntegrationManifest manifest() {
            return new IntegrationManifest("sheets", "Sheets", "1.0.0", "spreadsheets", null,
                    new ConnectionType(List.of(DynamicFieldConfig.builder("key", FieldType.INPUT).required(true).build()), null), List.of(
                    ActionDefinition.builder("read", context -> ActionResult.of(JsonNodeFactory.instance.objectNode()
                                    .put("sheet", context.configuration().get("sheet").asText())
                                    .put("key", context.credentials().path("key").asText())))
                            .name("Read a sheet")
                            .field(DynamicFieldConfig.builder("spreadsheet", FieldType.INPUT).required(true).build())
                            .field(DynamicFieldConfig.builder("sheet", FieldType.SELECT).required(true)
                                    .fetchOptions(new FetchOptions(List.of("spreadsheet"), 60_000, false)).build())
                            .optionsProvider("sheet", request -> List.of(
                                    FieldOption.of("First of " + request.values().get("spreadsheet").asText(), "s1"),
                                    FieldOption.of("Key " + request.credentials().path("key").asText(), "s2")))
                            .build()));
        }
    }

    @Test
    void runsAnActionWithItsConfigurationInputAndCredentials() throws Exception {
        assertThat(core.action("set").configuration("{\"values\": {\"a\": 1}}").run().output().get("a").asInt()).isEqualTo(1);
        assertThat(core.action("noop").input("{\"x\": true}").run().output().get("x").asBoolean()).isTrue();
        assertThat(core.action("transform").input("{\"n\": 2}").configuration("{\"expression\": \"input.n * 21\"}").run()
                .output().asInt()).isEqualTo(42);
        ActionTester sheets = ActionTester.of(new Sheets());
        assertThat(sheets.action("read").configuration("{\"spreadsheet\": \"x\", \"sheet\": \"s1\"}").credentials("{\"key\": \"k1\"}")
                .run().output().get("key").asText()).isEqualTo("k1");
        var log = core.action("log").configuration("{\"message\": \"hello\"}");
        log.run();
        assertThat(log.logs()).containsExactly("info hello");
    }

    @Test
    void anInvalidConfigurationIsRefusedBeforeTheActionRuns() {
        assertThatThrownBy(() -> core.action("delay").configuration("{\"ms\": -1}").run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ms: must be at least 0");
        assertThatThrownBy(() -> core.action("nope")).hasMessageContaining("has no action 'nope'");
        assertThatThrownBy(() -> core.action("noop").input("{bad")).hasMessageContaining("not valid JSON");
    }

    @Test
    void errorsComeBackTypedAsThePlatformClassifiesThem() throws Exception {
        IntegrationException error = core.action("fail")
                .configuration("{\"errorType\": \"rate_limited\", \"message\": \"slow\", \"retryAfterMs\": 500}")
                .runExpectingError();
        assertThat(error.type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(error.retryAfter()).contains(Duration.ofMillis(500));
        assertThat(core.action("fail").configuration("{\"errorType\": \"timeout\", \"failTimes\": 1}").attempt(2)
                .run().output().isObject()).isTrue();
        assertThatThrownBy(() -> core.action("noop").runExpectingError()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected to fail");
        IntegrationException classified = ActionTester.of(new Integration() {
            @Override
            public IntegrationManifest manifest() {
                return new IntegrationManifest("net", "Net", "1.0.0", "", null, null, List.of(ActionDefinition.builder("call",
                        context -> {
                            throw new java.net.ConnectException("refused");
                        }).build()));
            }
        }).action("call").runExpectingError();
        assertThat(classified.type()).isEqualTo(ErrorType.NETWORK_ERROR);
    }

    @Test
    void aHangingActionIsCancelledAfterTheTimeout() {
        assertThatThrownBy(() -> core.action("delay").configuration("{\"ms\": 60000}").timeout(Duration.ofMillis(100)).run())
                .isInstanceOf(AssertionError.class).hasMessageContaining("did not finish within PT0.1S");
    }

    @Test
    void fetchesFieldOptionsCheckingTheirDependencies() throws Exception {
        ActionTester sheets = ActionTester.of(new Sheets());
        assertThat(sheets.fetchOptions("read", "sheet", "{\"key\": \"k\"}", "{\"spreadsheet\": \"budget\"}"))
                .extracting(FieldOption::label).containsExactly("First of budget", "Key k");
        assertThatThrownBy(() -> sheets.fetchOptions("read", "sheet", null, "{}"))
                .hasMessageContaining("depends on [spreadsheet], which have no value");
        assertThatThrownBy(() -> sheets.fetchOptions("read", "spreadsheet", null, null)).hasMessageContaining("does not fetch");
        assertThatThrownBy(() -> sheets.fetchOptions("read", "ghost", null, null)).hasMessageContaining("has no field 'ghost'");
    }

    @Test
    void runsScenariosInProcessWithClassesOrWithTheBuiltJar() throws Exception {
        try (ScenarioRunner runner = ScenarioRunner.withIntegrations(new Sheets()).connection("gs", "{\"key\": \"secret\"}")) {
            ExecutionResult result = runner.run("""
                    {"nodes": [{"id": "r", "integrationId": "sheets", "actionId": "read", "connectionId": "gs",
                                "configuration": {"spreadsheet": "{{ trigger.id }}", "sheet": "s2"}},
                               {"id": "say", "integrationId": "core", "actionId": "log", "configuration": {"message": "got {{ input.sheet }}"}}],
                     "connections": [{"fromNodeId": "r", "toNodeId": "say"}]}""", "{\"id\": \"budget\"}");
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.requireNode("r").output().get("key").asText()).isEqualTo("secret");
            assertThat(runner.logs(result.id())).anySatisfy(line -> assertThat(line.message()).isEqualTo("got s2"));
            assertThatThrownBy(() -> runner.run("{\"nodes\": []}")).isInstanceOf(InvalidScenarioException.class);
            assertThat(runner.engine().activeExecutions()).isZero();
        }
        try (ScenarioRunner runner = ScenarioRunner.withIntegrations().timeout(Duration.ofSeconds(10))) {
            assertThat(runner.install(Path.of("target/test-plugins/lib-a.jar")).integrationIds()).containsExactly("lib-a");
            ExecutionResult result = runner.run("""
                    {"nodes": [{"id": "a", "integrationId": "lib-a", "actionId": "probe"}]}""");
            assertThat(result.requireNode("a").output().get("library").asText()).isEqualTo("3.8.1");
            assertThatThrownBy(() -> runner.install(Path.of("target/test-plugins/lib-a.jar"))).isInstanceOf(PluginConflictException.class);
        }
    }
}
