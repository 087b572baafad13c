package io.scenariobuilder.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.testing.TestEngine;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScenarioValidatorTest {

    private final TestEngine t = new TestEngine();

    @AfterEach
    void close() {
        t.close();
    }

    private List<ScenarioProblem> problems(String json) {
        return t.validator.validate(json, "x").problems();
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThat(problems("{\n  \"nodes\": [,]\n}"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.path()).isEqualTo("$");
                    assertThat(p.message()).contains("malformed JSON at line 2, column");
                });
        assertThat(problems("")).singleElement().satisfies(p -> assertThat(p.message()).contains("empty document"));
        assertThat(problems("[]")).singleElement().satisfies(p -> assertThat(p.message()).contains("got an array"));
        assertThat(problems("{\"nodes\": [], \"nodes\": []}")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("malformed JSON at line 1, column 22 (duplicate field 'nodes')"));
    }

    @Test
    void reportsEveryProblemWithItsPathNotJustTheFirst() {
        List<ScenarioProblem> problems = problems("""
                {"id": "bad id!", "color": "red",
                 "settings": {"maxConcurrentNodes": 0, "speed": 1},
                 "trigger": {"type": "webhook"},
                 "nodes": [
                   {"id": "a", "integrationId": "core", "actionId": "set", "configuration": {"values": 1, "extra": true}},
                   {"id": "a", "integrationId": "core", "actionId": "noop"},
                   {"id": "b", "integrationId": "nope", "actionId": "noop"},
                   {"id": "c", "integrationId": "core", "actionId": "explode"},
                   {"id": "d", "integrationId": "core", "actionId": "delay", "configuration": {"ms": "soon"}},
                   {"id": "e", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "a +"}},
                   {"id": "f", "integrationId": "core", "actionId": "set", "configuration": {"values": {"x": "{{ 1 + }}"}}},
                   {"id": "g", "integrationId": "core", "actionId": "log", "configuration": {"level": "loud"}},
                   {"integrationId": "core", "actionId": "noop", "onError": "explode", "timeoutMs": -1}
                 ],
                 "connections": [
                   {"fromNodeId": "a", "toNodeId": "ghost"},
                   {"fromNodeId": "d", "toNodeId": "e", "condition": "((("},
                   {"fromNodeId": "d", "toNodeId": "e", "on": "error"},
                   {"fromNodeId": "d", "toNodeId": "g", "on": "sometimes"}
                 ]}""");
        assertThat(problems).extracting(ScenarioProblem::path).contains(
                "$.id", "$.color", "$.settings.maxConcurrentNodes", "$.settings.speed", "$.trigger.path",
                "$.nodes[0].configuration.extra", "$.nodes[1].id", "$.nodes[2].integrationId", "$.nodes[3].actionId",
                "$.nodes[4].configuration.ms", "$.nodes[5].configuration.expression", "$.nodes[6].configuration.values.x",
                "$.nodes[7].configuration.message", "$.nodes[7].configuration.level",
                "$.nodes[8].id", "$.nodes[8].onError", "$.nodes[8].timeoutMs",
                "$.connections[0].toNodeId", "$.connections[1].condition", "$.connections[2].on", "$.connections[3].on");
        assertThat(problems).filteredOn(p -> p.path().equals("$.nodes[0].configuration.extra"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("unknown configuration key 'extra'"));
        assertThat(problems).filteredOn(p -> p.path().equals("$.nodes[1].id"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("duplicate node id 'a'"));
        assertThat(problems).filteredOn(p -> p.path().equals("$.nodes[3].actionId"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("has no action 'explode'").contains("noop"));
        assertThat(problems).filteredOn(p -> p.path().equals("$.nodes[5].configuration.expression"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("does not parse").contains("position"));
        assertThat(problems).filteredOn(p -> p.path().equals("$.nodes[7].configuration.level"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("must be one of"));
        assertThat(problems).filteredOn(p -> p.path().equals("$.connections[2].on"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("never fires"));
    }

    @Test
    void partsOfTheWrongShapeAreNamedWithWhatTheyAre() {
        assertThat(problems("""
                {"id": "s", "trigger": "webhook", "nodes": [true, null,
                   {"id": "a", "integrationId": "core", "actionId": "noop", "configuration": "none", "retryPolicy": 3}],
                 "connections": ["a->b", {"fromNodeId": "a", "toNodeId": "a", "condition": "   "}]}"""))
                .extracting(p -> p.path() + ": " + p.message())
                .contains("$.trigger: expected an object, got a string",
                        "$.nodes[0]: expected a node object, got a boolean",
                        "$.nodes[1]: expected a node object, got null",
                        "$.nodes[2].configuration: expected an object, got a string",
                        "$.nodes[2].retryPolicy: expected an object, got a number",
                        "$.connections[1].condition: is blank: remove it or write an expression");
        assertThat(problems("""
                {"id": "s", "trigger": {"path": "x"}, "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""))
                .extracting(p -> p.path() + ": " + p.message())
                .contains("$.trigger.type: required: one of manual, webhook, schedule");
        assertThat(problems("""
                {"id": "s", "trigger": {"type": "webhook", "path": "x", "method": "FETCH", "exposeErrors": "yes"},
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""))
                .extracting(p -> p.path() + ": " + p.message())
                .containsExactly("$.trigger.method: expected one of [GET, POST, PUT, PATCH, DELETE]: 'FETCH'",
                        "$.trigger.exposeErrors: expected true or false");
    }

    /** Tools that export scenarios often write null for what is not set: null means the default, as absent does. */
    @Test
    void explicitNullsMeanTheDefaultsAsAbsentFieldsDo() {
        Scenario withNulls = t.scenario("""
                {"id": "nulls", "name": null, "description": null, "version": null, "trigger": null, "settings": null,
                 "errorScenarioId": null,
                 "nodes": [{"id": "a", "name": null, "integrationId": "core", "actionId": "noop", "connectionId": null,
                            "configuration": null, "timeoutMs": null, "retryPolicy": null, "onError": null, "position": null},
                           {"id": "b", "integrationId": "core", "actionId": "noop",
                            "retryPolicy": {"maxAttempts": null, "baseDelayMs": null, "backoffMultiplier": null, "maxDelayMs": null,
                                            "jitter": null}}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b", "condition": null, "on": null}]}""");
        Scenario without = t.scenario("""
                {"id": "nulls", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"},
                  {"id": "b", "integrationId": "core", "actionId": "noop", "retryPolicy": {}}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""");
        assertThat(withNulls).isEqualTo(without);
        assertThat(problems("{\"id\": \"empty\", \"nodes\": null, \"connections\": null}")).extracting(p -> p.path() + ": " + p.message())
                .containsExactly("$.nodes: required: a scenario needs at least one node");
    }

    @Test
    void connectionsAndRetryPoliciesThatCannotWorkAreNamed() {
        assertThat(problems("""
                {"id": "s", "trigger": {"type": "webhook", "path": "../admin"}, "nodes": [
                   {"id": "a", "integrationId": "core", "actionId": "noop", "onError": "fail",
                    "retryPolicy": {"maxAttempts": 0, "backoffMultiplier": 0.5, "jitter": "yes", "baseDelayMs": 1.5}},
                   {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "ghost", "toNodeId": "b"}, {"fromNodeId": "a", "toNodeId": "b", "on": "error"}]}"""))
                .extracting(p -> p.path() + ": " + p.message())
                .contains("$.trigger.path: required: a hook path of letters, digits, '_', '-', '.', '/'",
                        "$.nodes[0].retryPolicy.backoffMultiplier: expected a number from 1 to 1000, got 0.5",
                        "$.nodes[0].retryPolicy.jitter: expected true or false, got a string",
                        "$.connections[0].fromNodeId: unknown node 'ghost'",
                        "$.connections[1].on: error connection from 'a' never fires: that node's onError is 'fail' (use route or continue)")
                .anySatisfy(p -> assertThat(p).startsWith("$.nodes[0].retryPolicy.maxAttempts: "))
                .anySatisfy(p -> assertThat(p).startsWith("$.nodes[0].retryPolicy.baseDelayMs: "));
    }

    @Test
    void aCycleIsReportedWithTheNodesOnIt() {
        List<ScenarioProblem> problems = problems("""
                {"nodes": [
                  {"id": "start", "integrationId": "core", "actionId": "noop"},
                  {"id": "a", "integrationId": "core", "actionId": "noop"},
                  {"id": "b", "integrationId": "core", "actionId": "noop"},
                  {"id": "c", "integrationId": "core", "actionId": "noop"},
                  {"id": "self", "integrationId": "core", "actionId": "noop"}
                ], "connections": [
                  {"fromNodeId": "start", "toNodeId": "a"},
                  {"fromNodeId": "a", "toNodeId": "b"},
                  {"fromNodeId": "b", "toNodeId": "c"},
                  {"fromNodeId": "c", "toNodeId": "a"},
                  {"fromNodeId": "self", "toNodeId": "self"}
                ]}""");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).message()).startsWith("cycle: a -> b -> c -> a");
        assertThat(problems.get(0).path()).isEqualTo("$.connections[3]");
        assertThat(problems.get(1).message()).startsWith("cycle: self -> self");
    }

    @Test
    void duplicateConnectionsAndMissingNodesAreReported() {
        assertThat(problems("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"},
                           {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "a", "toNodeId": "b"},
                                 {"fromNodeId": "a"}, 5]}"""))
                .extracting(ScenarioProblem::path)
                .containsExactlyInAnyOrder("$.connections[1]", "$.connections[2].toNodeId", "$.connections[3]");
        assertThat(problems("{\"nodes\": []}")).extracting(ScenarioProblem::path).containsExactly("$.nodes");
        assertThat(problems("{}")).extracting(ScenarioProblem::path).containsExactly("$.nodes");
    }

    @Test
    void typesOfFieldsAreChecked() {
        assertThat(problems("""
                {"name": 5, "version": -1, "errorScenarioId": "no way",
                 "trigger": {"type": "schedule", "timezone": "Mars/Base", "every": 5},
                 "nodes": {"a": 1}, "connections": {}}"""))
                .extracting(ScenarioProblem::path)
                .containsExactlyInAnyOrder("$.name", "$.version", "$.trigger.every", "$.trigger.cron",
                        "$.trigger.timezone", "$.nodes", "$.connections", "$.errorScenarioId");
        assertThat(problems("""
                {"trigger": {"type": "email"}, "settings": 3,
                 "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop", "configuration": [],
                            "retryPolicy": {"maxAttempts": 0, "backoffMultiplier": 0.5, "jitter": "yes", "speed": 1},
                            "position": 3, "connectionId": "c1"}]}"""))
                .extracting(ScenarioProblem::path)
                .containsExactlyInAnyOrder("$.trigger.type", "$.settings", "$.nodes[0].configuration",
                        "$.nodes[0].retryPolicy.maxAttempts", "$.nodes[0].retryPolicy.backoffMultiplier",
                        "$.nodes[0].retryPolicy.jitter", "$.nodes[0].retryPolicy.speed", "$.nodes[0].position",
                        "$.nodes[0].connectionId");
        // A node's place on the canvas: two plain numbers, nothing else (no room for a hostile payload).
        assertThat(problems("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop", "position": {"x": "left", "z": 1}},
                           {"id": "b", "integrationId": "core", "actionId": "noop", "position": {"x": 1e300, "y": 2}}]}"""))
                .extracting(ScenarioProblem::path)
                .containsExactlyInAnyOrder("$.nodes[0].position.x", "$.nodes[0].position.y", "$.nodes[0].position.z",
                        "$.nodes[1].position.x");
    }

    @Test
    void aNodesPositionIsKeptRoundedAndWrittenBackAsTheBuilderSentIt() {
        Scenario scenario = t.scenario("""
                {"id": "drawn", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop", "position": {"x": 10.6, "y": -20}},
                                          {"id": "b", "integrationId": "core", "actionId": "noop"}]}""");
        assertThat(scenario.node("a").orElseThrow().position()).isEqualTo(new Position(11, -20));
        assertThat(scenario.node("b").orElseThrow().position()).isNull();
        var written = ScenarioWriter.write(scenario);
        assertThat(written.at("/nodes/0/position").toString()).isEqualTo("{\"x\":11,\"y\":-20}");
        assertThat(written.at("/nodes/1").has("position")).isFalse();
    }

    @Test
    void aValidScenarioParsesWithAllItsParts() {
        var validation = t.validator.validate("""
                {"id": "order-sync", "name": "Sync", "version": 3,
                 "trigger": {"type": "webhook", "path": "orders", "method": "post", "secret": "s"},
                 "settings": {"maxConcurrentNodes": 4, "timeoutMs": 1000},
                 "errorScenarioId": "alerts",
                 "nodes": [
                   {"id": "a", "name": "Start", "integrationId": "core", "actionId": "noop", "timeoutMs": 10,
                    "retryPolicy": {"maxAttempts": 5, "baseDelayMs": 10, "backoffMultiplier": 3, "maxDelayMs": 100, "jitter": false},
                    "onError": "route", "position": {"x": 1, "y": 2}},
                   {"id": "b", "integrationId": "core", "actionId": "log", "configuration": {"message": "hi"}}
                 ],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b", "on": "error", "condition": "true"}]}""", "x");
        assertThat(validation.problems()).isEmpty();
        assertThat(validation.valid()).isTrue();
        Scenario scenario = validation.scenario();
        assertThat(scenario.trigger()).isEqualTo(new Trigger.Webhook("orders", "POST", "s"));
        assertThat(scenario.settings()).isEqualTo(new ScenarioSettings(4, 1000L));
        assertThat(scenario.node("a").orElseThrow().retryPolicy().maxAttempts()).isEqualTo(5);
        assertThat(scenario.node("a").orElseThrow().onError()).isEqualTo(OnError.ROUTE);
        assertThat(scenario.version()).isEqualTo(3);
        assertThat(scenario.errorScenarioId()).isEqualTo("alerts");
        CompiledScenario compiled = validation.compiled();
        assertThat(compiled.node("b").configuration().isConstant()).isTrue();
        // defaults of the action's fields are applied when compiling
        assertThat(compiled.node("b").predecessorCount()).isEqualTo(1);
        assertThatThrownBy(() -> compiled.node("zz")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Trigger.Schedule("0 * * * *", null).timezone()).isEqualTo("UTC");
        assertThat(new Trigger.Manual().type()).isEqualTo("manual");
    }

    @Test
    void compiledScenariosAreCachedUntilTheInstalledIntegrationsChange() {
        Scenario scenario = t.scenario("""
                {"id": "cached", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}""");
        CompiledScenario first = t.validator.compile(scenario);
        assertThat(t.validator.compile(t.scenario("""
                {"id": "cached", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""))).isSameAs(first);
        var actions = new io.scenariobuilder.core.testing.TestIntegration().manifest().actions();
        t.install(new io.scenariobuilder.api.integration.IntegrationManifest("other", "Other", "1", "", null, null, actions));
        assertThat(t.validator.compile(scenario)).isNotSameAs(first);
    }

    @Test
    void compileThrowsWithEveryProblem() {
        Scenario scenario = t.scenario("""
                {"nodes": [{"id": "a", "integrationId": "nope", "actionId": "noop"},
                           {"id": "b", "integrationId": "core", "actionId": "nope"}]}""");
        assertThatThrownBy(() -> t.validator.compile(scenario))
                .isInstanceOfSatisfying(InvalidScenarioException.class, e -> assertThat(e.problems()).hasSize(2))
                .hasMessageContaining("2 problem(s)");
        assertThatThrownBy(() -> t.parser.parseOrThrow("{", "x")).isInstanceOf(InvalidScenarioException.class);
    }
}
