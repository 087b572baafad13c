package io.scenariobuilder.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.server.ScenarioBuilderServer;
import io.scenariobuilder.server.config.ServerConfig;
import io.scenariobuilder.testkit.ScenarioRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        Path jar = generatedJar();
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

    /** The archetype's {@code greet}: its {@code language} options depend on {@code region}, asked for over HTTP. */
    @Test
    void theGreetLanguageOptionsComeThroughARunningServersEndpoint() throws Exception {
        Path dir = Files.createTempDirectory("archetype-server");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(generatedJar(), plugins.resolve("acme-plugin.jar"));
        String key = "sb_archetype_test_key_0123456789abcdef";
        ServerConfig config = ServerConfig.load(null, Map.of("SB_PORT", "0", "SB_DATA_DIR", dir.resolve("data").toString(),
                "SB_PLUGINS_DIR", plugins.toString(), "SB_ADMIN_KEY", key, "SB_IMPORT_EXAMPLES", "false"));
        try (ScenarioBuilderServer server = ScenarioBuilderServer.start(config, List.of(), null);
                HttpClient http = HttpClient.newHttpClient()) {
            URI options = URI.create("http://127.0.0.1:" + server.port()
                    + "/api/v1/integrations/acme-plugin/actions/greet/fields/language/options");
            HttpResponse<String> asia = http.send(HttpRequest.newBuilder(options).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"values\": {\"region\": \"asia\"}}"))
                    .build(), BodyHandlers.ofString());
            assertThat(asia.statusCode()).as(asia.body()).isEqualTo(200);
            assertThat(asia.body()).contains("\"value\":\"hi\"").contains("\"value\":\"ja\"").doesNotContain("\"value\":\"fr\"");
            HttpResponse<String> byDefault = http.send(HttpRequest.newBuilder(options).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
            assertThat(byDefault.statusCode()).as(byDefault.body()).isEqualTo(200);
            assertThat(byDefault.body()).as("the region's default, europe").contains("\"value\":\"fr\"").contains("\"value\":\"de\"");
        }
    }

    private static Path generatedJar() throws Exception {
        try (Stream<Path> files = Files.list(PROJECT.resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("acme-plugin-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("the generated project built no JAR in " + PROJECT.resolve("target")));
        }
    }
}
