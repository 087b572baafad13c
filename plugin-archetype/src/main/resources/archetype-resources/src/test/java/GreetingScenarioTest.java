package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.testkit.ScenarioRunner;
import org.junit.jupiter.api.Test;

/** The action in a scenario on the real engine, with a template and a core node after it. */
class GreetingScenarioTest {

    @Test
    void runsInAScenario() throws Exception {
        try (ScenarioRunner runner = ScenarioRunner.withIntegrations(new GreetingIntegration())) {
            ExecutionResult result = runner.run("""
                    {"nodes": [
                      {"id": "greet", "integrationId": "${artifactId}", "actionId": "greet",
                       "configuration": {"name": "{{ trigger.name }}", "language": "de"}},
                      {"id": "shout", "integrationId": "core", "actionId": "transform",
                       "configuration": {"expression": "$uppercase(input.greeting)"}}
                    ],
                    "connections": [{"fromNodeId": "greet", "toNodeId": "shout"}]}""", "{\"name\": \"Ada\"}");
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.requireNode("shout").output().asText()).isEqualTo("HALLO, ADA!");
        }
    }
}
