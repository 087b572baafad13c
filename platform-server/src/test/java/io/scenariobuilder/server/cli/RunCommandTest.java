package io.scenariobuilder.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the CLI in-process against the real examples, with the core plugin loaded from its built JAR. */
class RunCommandTest {

    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final Path PLUGINS = Path.of("target", "test-plugins");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void pluginJarIsBuilt() {
        assertThat(PLUGINS.resolve("sb-plugin-core.jar")).as("built by maven-dependency-plugin").exists();
    }

    /** run turns the execution logger off for its own process (the summary shows the log): give it back to the next tests. */
    @org.junit.jupiter.api.AfterEach
    void executionLoggerBack() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.scenariobuilder.execution")).setLevel(null);
    }

    private Run run(String... args) {
        return command("run", args);
    }

    private Run command(String name, String... args) {
        List<String> all = new ArrayList<>(List.of(name, "--plugins-dir", PLUGINS.toString()));
        all.addAll(List.of(args));
        CommandLine commandLine = ScenarioBuilderCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theLinearExamplePrintsAReadableSummaryAndExitsZero() {
        Run run = run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", EXAMPLES.resolve("order.json").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Status     COMPLETED")
                .contains("4 nodes (4 completed)")
                .containsPattern("total\\s+completed\\s+\\d+ ms\\s+1\\s+\\{\"orderId\":1042,\"tier\":\"gold\",\"items\":3,\"total\":135}")
                .contains("[announce] order 1042 totals 135 (3 items, gold)");
    }

    @Test
    void jsonPrintsOnlyTheExecutionResultDocument() throws Exception {
        Run run = run(EXAMPLES.resolve("fan-out-fan-in.json").toString(), "--trigger", EXAMPLES.resolve("order.json").toString(), "--json");
        assertThat(run.exit()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("scenarioId").asText()).isEqualTo("fan-out-fan-in");
        assertThat(result.get("totalNodes").asInt()).isEqualTo(9);
        assertThat(result.get("completedNodes").asInt()).isEqualTo(6);
        assertThat(result.get("startTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(result.get("context").get("summary").get("branches").toString()).isEqualTo("[\"smallOrder\",\"euTax\",\"pricing\"]");
        JsonNode bigOrder = result.get("nodes").get(1);
        assertThat(bigOrder.get("nodeId").asText()).isEqualTo("bigOrder");
        assertThat(bigOrder.get("status").asText()).isEqualTo("skipped");
        for (String field : List.of("id", "scenarioId", "status", "startTime", "endTime", "duration", "completedNodes",
                "failedNodes", "totalNodes", "context", "error", "nodes", "logs")) {
            assertThat(result.has(field)).as(field).isTrue();
        }
    }

    @Test
    void aScriptUsingJsonGetsTheLogOnStderrAndInTheResultAndVersionOneAsTheServerSays() throws Exception {
        Run run = run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", EXAMPLES.resolve("order.json").toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.get("scenarioVersion").asInt()).as("a file's scenario is v1, as its first save on the server").isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  info     execution started \\(scenario linear-pipeline v1\\)");
            assertThat(lines.get(1)).endsWith("info     [announce] order 1042 totals 135 (3 items, gold)");
            assertThat(lines.get(2)).contains("execution completed in");
        });
        JsonNode announce = result.get("logs").get(1);
        assertThat(announce.get("nodeId").asText()).isEqualTo("announce");
        assertThat(announce.get("level").asText()).isEqualTo("info");
        assertThat(announce.get("message").asText()).isEqualTo("order 1042 totals 135 (3 items, gold)");
        assertThat(result.get("logs")).hasSize(3);
    }

    @Test
    void aTemplatePathThatIsNotInTheDataIsEmptyAndWarnedOncePerExecutionWithNodeFieldAndExpression() throws Exception {
        Path scenario = Files.writeString(dir.resolve("typo.json"), """
                {"id": "typo", "nodes": [
                  {"id": "say", "integrationId": "core", "actionId": "log",
                   "configuration": {"message": "got order {{ input.body.orderId }} for {{ input.customer }}"}},
                  {"id": "flaky", "integrationId": "core", "actionId": "fail",
                   "configuration": {"errorType": "timeout", "failTimes": 2, "message": "no {{ input.body.orderId }}"},
                   "retryPolicy": {"maxAttempts": 3, "baseDelayMs": 1, "backoffMultiplier": 1, "maxDelayMs": 1, "jitter": false}},
                  {"id": "keep", "integrationId": "core", "actionId": "set",
                   "configuration": {"values": {"order": "{{ input.body.orderId }}", "also": ["{{ input.nope }}"]}}}]}""");
        Path trigger = Files.writeString(dir.resolve("t.json"), "{\"customer\": \"ada\"}");
        Run run = run(scenario.toString(), "--trigger", trigger.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.at("/context/keep/order").isNull()).as("the whole value: null, as JSONata").isTrue();
        List<String> warnings = new ArrayList<>();
        result.get("logs").forEach(line -> {
            if (line.get("level").asText().equals("warn") && line.get("message").asText().contains("resolved to nothing")) {
                warnings.add(line.get("nodeId").asText() + ": " + line.get("message").asText());
            }
        });
        assertThat(warnings).containsExactlyInAnyOrder(
                "say: field 'message': {{ input.body.orderId }} resolved to nothing (no such path in the data), so it is empty",
                "keep: field 'values.order': {{ input.body.orderId }} resolved to nothing (no such path in the data), so it is empty",
                "keep: field 'values.also[0]': {{ input.nope }} resolved to nothing (no such path in the data), so it is empty",
                "flaky: field 'message': {{ input.body.orderId }} resolved to nothing (no such path in the data), so it is empty");
        JsonNode flaky = null;
        for (JsonNode node : result.get("nodes")) {
            flaky = node.get("nodeId").asText().equals("flaky") ? node : flaky;
        }
        assertThat(flaky.get("attempts").asInt()).as("three attempts, one warning").isEqualTo(3);
        assertThat(result.get("logs").toString()).contains("got order  for ada");
        assertThat(run.err()).contains("warn     [say] field 'message': {{ input.body.orderId }} resolved to nothing");
    }

    @Test
    void aHugeTemplateThatResolvesToNothingIsWarnedCutShort() throws Exception {
        String path = "input." + "a".repeat(5_000);
        Path scenario = Files.writeString(dir.resolve("huge.json"), """
                {"id": "huge", "nodes": [{"id": "say", "integrationId": "core", "actionId": "log",
                  "configuration": {"message": "x{{ %s }}"}}]}""".formatted(path));
        Run run = run(scenario.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        String warning = run.err().lines().filter(line -> line.contains("resolved to nothing")).findFirst().orElseThrow();
        assertThat(warning).contains("{{ " + path.substring(0, 200) + "... }}").hasSizeLessThan(400);
    }

    @Test
    void aUserWhoValidatesAFileGetsZeroForAGoodOneAndEveryProblemWithTwoForABadOne() throws Exception {
        Run good = command("validate", EXAMPLES.resolve("fan-out-fan-in.json").toString());
        assertThat(good.exit()).as(good.err()).isZero();
        assertThat(good.out()).contains("fan-out-fan-in.json is a valid scenario: fan-out-fan-in, 9 nodes, ");
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"id": "bad", "nodes": [
                  {"id": "a", "integrationId": "core", "actionId": "nope"},
                  {"id": "b", "integrationId": "core", "actionId": "delay", "configuration": {"ms": -1}}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "a"}]}""");
        Run invalid = command("validate", bad.toString());
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.out()).isEmpty();
        assertThat(invalid.err()).contains("is not a valid scenario (3 problems):", "$.nodes[0].actionId: integration 'core' has no action 'nope'",
                "$.nodes[1].configuration.ms: must be at least 0, got -1", "cycle: ");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"id\": \"x\", \"nodes\": [}");
        Run malformed = command("validate", broken.toString());
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("$: malformed JSON at line 1, column 23 (unexpected close marker '}': expected ']')")
                .doesNotContain("StreamReadFeature", "Source");
    }

    @Test
    void theFailureExampleCompletesBecauseItsFailuresAreHandled() throws Exception {
        Run run = run(EXAMPLES.resolve("failure-and-continue.json").toString(), "--json");
        assertThat(run.exit()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.get("failedNodes").asInt()).isEqualTo(2);
        JsonNode flaky = result.get("nodes").get(2);
        assertThat(flaky.get("nodeId").asText()).isEqualTo("flakyApi");
        assertThat(flaky.get("attempts").asInt()).isEqualTo(3);
        JsonNode lookup = result.get("nodes").get(1);
        assertThat(lookup.get("error").get("type").asText()).isEqualTo("resource_not_found");
        assertThat(lookup.get("error").get("retryable").asBoolean()).isFalse();
    }

    @Test
    void aFailedExecutionExitsOne() throws Exception {
        Path scenario = Files.writeString(dir.resolve("fails.json"), """
                {"nodes": [{"id": "boom", "integrationId": "core", "actionId": "fail",
                            "configuration": {"errorType": "authentication_failed", "message": "key revoked"}}]}""");
        Run run = run(scenario.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("Status     FAILED").contains("Error      authentication_failed: key revoked (node boom)");
        assertThat(run.out()).contains("Scenario   fails");
    }

    @Test
    void anInvalidScenarioExitsTwoWithOneProblemPerLineAndItsPath() throws Exception {
        Path scenario = Files.writeString(dir.resolve("bad.json"), """
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "nope"},
                           {"id": "b", "integrationId": "core", "actionId": "delay", "configuration": {"ms": -1}}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "a"}]}""");
        Run run = run(scenario.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).contains(
                "$.connections[1]: cycle: a -> b -> a; a scenario must be acyclic",
                "$.nodes[0].actionId: integration 'core' has no action 'nope' (actions: [noop, set, transform, merge, delay, log, fail])",
                "$.nodes[1].configuration.ms: must be at least 0, got -1");
        assertThat(run.err()).startsWith("error: " + scenario + " is not a valid scenario (3 problems):");
    }

    @Test
    void unreadableInputExitsTwoWithAClearMessage() throws Exception {
        assertThat(run(dir.resolve("missing.json").toString()).err()).contains("no such file").contains("missing.json");
        assertThat(run(dir.resolve("missing.json").toString()).exit()).isEqualTo(2);

        Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"nodes\": [");
        Run bad = run(malformed.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("$: malformed JSON at line 1");

        Path trigger = Files.writeString(dir.resolve("trigger.json"), "{oops}");
        Run badTrigger = run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", trigger.toString());
        assertThat(badTrigger.exit()).isEqualTo(2);
        assertThat(badTrigger.err()).contains("trigger").contains("malformed JSON at line 1, column 2");

        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertThat(run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", empty.toString()).err())
                .contains("is empty");

        Run unknownOption = run("--nope");
        assertThat(unknownOption.exit()).isEqualTo(2);
    }

    @Test
    void aCorruptPluginJarIsBadInput() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.write(plugins.resolve("broken.jar"), new byte[] {0, 1, 2});
        CommandLine commandLine = ScenarioBuilderCli.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute("run", "--plugins-dir", plugins.toString(), EXAMPLES.resolve("linear-pipeline.json").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("broken.jar");
    }

    /** As installed: the launcher sets sb.home, and run loads the built-in plugins from its plugins folder by itself. */
    @Test
    void asInstalledRunLoadsTheBuiltInPluginsWithoutBeingToldWhere() throws Exception {
        Path home = dir.resolve("install");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(PLUGINS.resolve("sb-plugin-core.jar"), home.resolve("plugins/sb-plugin-core.jar"));
        System.setProperty("sb.home", home.toString());
        try {
            CommandLine commandLine = ScenarioBuilderCli.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            commandLine.setOut(new PrintWriter(out));
            commandLine.setErr(new PrintWriter(err));
            int exit = commandLine.execute("run", EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger",
                    EXAMPLES.resolve("order.json").toString());
            assertThat(exit).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Status     COMPLETED");
        } finally {
            System.clearProperty("sb.home");
        }
    }

    @Test
    void aPluginsFolderThatDoesNotExistIsBadInputNamingIt() {
        Path missing = dir.resolve("no-such-plugins");
        CommandLine commandLine = ScenarioBuilderCli.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute("run", "--plugins-dir", missing.toString(), EXAMPLES.resolve("linear-pipeline.json").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains(missing.toString());
    }

    @Test
    void aFolderGivenWhereAFileIsExpectedIsBadInputNamingIt() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a-folder.json"));
        Run scenario = run(folder.toString());
        assertThat(scenario.exit()).isEqualTo(2);
        assertThat(scenario.err()).startsWith("error: cannot read " + folder);
        Run trigger = run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", folder.toString());
        assertThat(trigger.exit()).isEqualTo(2);
        assertThat(trigger.err()).startsWith("error: cannot read " + folder);
        Run missingTrigger = run(EXAMPLES.resolve("linear-pipeline.json").toString(), "--trigger", dir.resolve("nope.json").toString());
        assertThat(missingTrigger.err()).isEqualTo("error: no such file: " + dir.resolve("nope.json") + "\n");
    }

    @Test
    void theDefaultScenarioIdComesFromTheFileName() {
        assertThat(ScenarioFile.defaultId(Path.of("my flow.v2.json"))).isEqualTo("my-flow-v2");
        assertThat(ScenarioFile.defaultId(Path.of(".json"))).isEqualTo("scenario");
        assertThat(ScenarioFile.defaultId(Path.of("x".repeat(80) + ".json"))).hasSize(64);
    }

    @Test
    void versionNamesThePluginApi() {
        CommandLine commandLine = ScenarioBuilderCli.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        assertThat(commandLine.execute("--version")).isZero();
        assertThat(out.toString()).contains("plugin API " + io.scenariobuilder.api.PlatformApi.VERSION);
    }
}
