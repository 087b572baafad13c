package io.scenariobuilder.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.testkit.ScenarioRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The end of the archetype's round trip: the project the archetype generated (and built with its own
 * {@code mvn verify} in the integration-test phase) yields a JAR that a running engine installs through PF4J, and a
 * scenario then runs its new action.
 */
class GeneratedPluginIT {

    private static final Path PROJECT = Path.of("target", "test-classes", "projects", "basic", "project", "acme-plugin");

    @Test
    void theGeneratedPluginInstallsIntoARunningEngineAndItsActionRuns() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(PROJECT.resolve("target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("acme-plugin-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("the generated project built no JAR in " + PROJECT.resolve("target")));
        }
        assertThat(PROJECT.resolve("src/main/java/com/acme/GreetingIntegration.java")).exists();

        try (ScenarioRunner engine = ScenarioRunner.withIntegrations()) {
            var installed = engine.install(jar);
            assertThat(installed.id()).isEqualTo("acme-plugin");
            assertThat(installed.version()).isEqualTo("1.0.0-SNAPSHOT");
            assertThat(installed.integrationIds()).containsExactly("acme-plugin");

            ExecutionResult result = engine.run("""
                    {"nodes": [{"id": "hello", "integrationId": "acme-plugin", "actionId": "greet",
                                "configuration": {"name": "{{ trigger.name }}", "region": "asia", "language": "ja"}}]}""",
                    "{\"name\": \"Grace\"}");
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.requireNode("hello").output().get("greeting").asText()).isEqualTo("Konnichiwa, Grace!");
        }
    }
}
