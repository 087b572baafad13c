package io.scenariobuilder.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.testing.TestEngine;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each limit of the scenario format at its exact edge (the last value taken, the first refused), and the unknown
 * fields of a node and of a connection: a typo is a problem naming it, never ignored. Written from the mutation
 * report's survivors of the parser.
 */
class ScenarioEdgesTest {

    private static final String A_NODE = "{\"id\": \"a\", \"integrationId\": \"core\", \"actionId\": \"noop\"}";

    private final TestEngine t = new TestEngine();

    @AfterEach
    void close() {
        t.close();
    }

    private List<String> problems(String json) {
        return t.validator.validate(json, "x").problems().stream().map(p -> p.path() + ": " + p.message()).toList();
    }

    private static String node(String extra) {
        return """
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"%s}]}""".formatted(extra);
    }

    @Test
    void aTypoInANodeOrAConnectionIsNamedNotIgnored() {
        assertThat(problems(node(", \"onErorr\": \"continue\""))).containsExactly("$.nodes[0].onErorr: unknown field 'onErorr'");
        assertThat(problems("""
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}, {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b", "conditon": "true"}]}"""))
                .containsExactly("$.connections[0].conditon: unknown field 'conditon'");
    }

    @Test
    void settingsTakeOneAndRefuseZero() {
        assertThat(problems("{\"settings\": {\"maxConcurrentNodes\": 1, \"timeoutMs\": 1}, \"nodes\": [" + A_NODE + "]}")).isEmpty();
        assertThat(problems("{\"settings\": {\"maxConcurrentNodes\": 0}, \"nodes\": [" + A_NODE + "]}")).singleElement()
                .satisfies(p -> assertThat(p).startsWith("$.settings.maxConcurrentNodes: "));
        assertThat(problems("{\"settings\": {\"timeoutMs\": 0}, \"nodes\": [" + A_NODE + "]}")).singleElement()
                .satisfies(p -> assertThat(p).startsWith("$.settings.timeoutMs: "));
    }

    @Test
    void theBackoffMultiplierTakesOneToAThousand() {
        for (String taken : new String[] {"1", "1.0", "1000"}) {
            assertThat(problems(node(", \"retryPolicy\": {\"backoffMultiplier\": " + taken + "}"))).as(taken).isEmpty();
        }
        for (String refused : new String[] {"0.99", "1000.5"}) {
            assertThat(problems(node(", \"retryPolicy\": {\"backoffMultiplier\": " + refused + "}"))).as(refused).singleElement()
                    .satisfies(p -> assertThat(p).startsWith("$.nodes[0].retryPolicy.backoffMultiplier: "));
        }
    }

    @Test
    void aPositionTakesAMillionEitherWayAndNoMore() {
        assertThat(problems(node(", \"position\": {\"x\": 1000000, \"y\": -1000000}"))).isEmpty();
        assertThat(problems(node(", \"position\": {\"x\": 1000001, \"y\": 0}"))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("$.nodes[0].position.x: "));
    }

    @Test
    void aWholeNumberFieldNamesItsRange() {
        assertThat(problems(node(", \"timeoutMs\": 1"))).isEmpty();
        assertThat(problems(node(", \"timeoutMs\": 0"))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("$.nodes[0].timeoutMs: expected a whole number from 1"));
    }
}
