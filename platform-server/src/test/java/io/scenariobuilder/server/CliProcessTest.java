package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.cli.ScenarioBuilderCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} as its own process, as the launcher starts it: where it finds plugins when it is not told (the
 * {@code SB_PLUGINS_DIR} variable, then a {@code ./plugins} folder holding JARs, not the source folder of the built-in
 * plugins), and the exit code the shell sees. {@code serve} started from a checkout of Scenario Builder itself.
 */
class CliProcessTest {

    private static final Path CORE_PLUGIN = Path.of("target", "test-plugins", "sb-plugin-core.jar").toAbsolutePath();
    private static final String SCENARIO = """
            {"id": "hello", "nodes": [{"id": "say", "integrationId": "core", "actionId": "log", "configuration": {"message": "hi"}}]}""";

    @TempDir
    Path dir;

    private record Exit(int code, String output) {
    }

    /** The CLI in a JVM of its own, with this test JVM's classes and coverage agent. */
    private static List<String> cli(String... args) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dguice_custom_class_loading=CHILD"));
        command.addAll(ServerProcess.coverageAgent());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScenarioBuilderCli.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private Exit run(Path workingDir, Map<String, String> env) throws Exception {
        Files.writeString(workingDir.resolve("hello.json"), SCENARIO);
        ProcessBuilder builder = new ProcessBuilder(cli("run", "hello.json")).directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("SB_PLUGINS_DIR");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return new Exit(process.exitValue(), output);
    }

    @Test
    void runFindsPluginsInSbPluginsDir() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("somewhere-else"));
        Files.copy(CORE_PLUGIN, plugins.resolve("sb-plugin-core.jar"));
        Exit exit = run(Files.createDirectories(dir.resolve("work")), Map.of("SB_PLUGINS_DIR", plugins.toString()));
        assertThat(exit.code()).as(exit.output()).isZero();
        assertThat(exit.output()).contains("Status     COMPLETED", "[say] hi");
    }

    @Test
    void runFindsPluginsInAPluginsFolderHereWhenItHoldsJars() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.copy(CORE_PLUGIN, Files.createDirectories(work.resolve("plugins")).resolve("sb-plugin-core.jar"));
        Exit exit = run(work, Map.of());
        assertThat(exit.code()).as(exit.output()).isZero();
        assertThat(exit.output()).contains("Status     COMPLETED");
    }

    @Test
    void aPluginsFolderWithoutJarsSuchAsTheSourceFolderIsNotTakenAndTheMissingIntegrationIsNamed() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(Files.createDirectories(work.resolve("plugins")).resolve("pom.xml"), "<project/>");
        Exit exit = run(work, Map.of());
        assertThat(exit.code()).as(exit.output()).isEqualTo(2);
        assertThat(exit.output()).contains("error: hello.json is not a valid scenario (1 problem):\n"
                + "$.nodes[0].integrationId: unknown integration 'core' (installed: [])");
    }

    @Test
    void serveStartedFromACheckoutKeepsPluginJarsOutOfTheSourceFolderAndStopsOnSigterm() throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("scenario-builder"));
        Files.writeString(Files.createDirectories(checkout.resolve("plugins")).resolve("pom.xml"), "<project/>");
        ProcessBuilder builder = new ProcessBuilder(cli("serve", "--port", "0")).directory(checkout.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SB_"));
        builder.environment().put("SB_IMPORT_EXAMPLES", "false");
        Process server = builder.start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(dir.resolve("serve.log")).contains("listening on ") || !server.isAlive());
            assertThat(server.isAlive()).as(Files.readString(dir.resolve("serve.log"))).isTrue();
            assertThat(checkout.resolve("data/plugins")).as("plugin JARs go to the data folder").isDirectory();
            try (var inSources = Files.list(checkout.resolve("plugins"))) {
                assertThat(inSources.map(path -> path.getFileName().toString()).toList()).containsExactly("pom.xml");
            }
        } finally {
            server.destroy(); // SIGTERM, as Ctrl-C or a supervisor's stop
        }
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("the signal's code").isEqualTo(143);
        assertThat(Files.readString(dir.resolve("serve.log"))).contains("stopped");
    }
}
