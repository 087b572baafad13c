package io.scenariobuilder.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.CancellationSignal;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionLogger;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.api.integration.ActionDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CoreIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CoreIntegration core = new CoreIntegration();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A minimal context: the engine's is tested in platform-core. */
    private record Context(JsonNode input, Map<String, JsonNode> inputs, JsonNode configuration, int attempt,
            List<String> lines) implements ExecutionContext {
        @Override
        public JsonNode credentials() {
            return JSON.createObjectNode();
        }

        @Override
        public Optional<String> connectionId() {
            return Optional.empty();
        }

        @Override
        public String executionId() {
            return "e1";
        }

        @Override
        public String scenarioId() {
            return "s1";
        }

        @Override
        public String nodeId() {
            return "n1";
        }

        @Override
        public String idempotencyKey() {
            return "e1:n1";
        }

        @Override
        public ExecutionLogger logger() {
            return (level, message) -> lines.add(level.id() + " " + message);
        }

        @Override
        public CancellationSignal cancellation() {
            return new CancellationSignal() {
                @Override
                public boolean isCancelled() {
                    return false;
                }

                @Override
                public void onCancel(Runnable callback) {
                }
            };
        }

        @Override
        public JsonNode evaluate(String expression) {
            return TextNode.valueOf("evaluated: " + expression);
        }
    }

    private ActionResult run(String action, String input, String configuration, int attempt, List<String> lines) throws Exception {
        ActionDefinition definition = core.manifest().action(action).orElseThrow();
        Map<String, JsonNode> inputs = new LinkedHashMap<>();
        return definition.executor().execute(new Context(json(input), inputs, json(configuration), attempt, lines));
    }

    @Test
    void declaresExactlyTheSpecsActions() {
        assertThat(core.manifest().id()).isEqualTo("core");
        assertThat(core.manifest().connectionType()).isNull();
        assertThat(core.manifest().actions()).extracting(ActionDefinition::id)
                .containsExactly("noop", "set", "transform", "merge", "delay", "log", "fail");
        assertThat(core.manifest().action("delay").orElseThrow().executor().getCapabilities().style())
                .isEqualTo(ExecutionStyle.BLOCKING);
        assertThat(core.manifest().action("noop").orElseThrow().executor().getCapabilities().style())
                .isEqualTo(ExecutionStyle.NON_BLOCKING);
        assertThat(core.manifest().action("transform").orElseThrow().field("expression").orElseThrow().ui().isJsonata()).isTrue();
    }

    @Test
    void noopSetTransformAndDelayBehaveAsSpecified() throws Exception {
        assertThat(run("noop", "{\"a\": 1}", "{}", 1, List.of()).output()).isEqualTo(json("{\"a\": 1}"));
        assertThat(run("set", "{}", "{\"values\": {\"x\": [1]}}", 1, List.of()).output()).isEqualTo(json("{\"x\": [1]}"));
        assertThat(run("transform", "{}", "{\"expression\": \"a.b\"}", 1, List.of()).output().asText()).isEqualTo("evaluated: a.b");
        assertThat(run("delay", "{\"k\": true}", "{\"ms\": 1}", 1, List.of()).output()).isEqualTo(json("{\"k\": true}"));
    }

    @Test
    void delayEndsAtOnceWhenInterrupted() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> run("delay", "{}", "{\"ms\": 60000}", 1, List.of()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.CANCELLED));
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void mergeReturnsTheOnlyTakenInputOrTheKeyedObject() throws Exception {
        ActionDefinition merge = core.manifest().action("merge").orElseThrow();
        Map<String, JsonNode> one = Map.of("a", json("{\"v\": 1}"));
        assertThat(merge.executor().execute(new Context(json("{\"a\": {\"v\": 1}}"), one, json("{}"), 1, List.of())).output())
                .isEqualTo(json("{\"v\": 1}"));
        Map<String, JsonNode> two = new LinkedHashMap<>();
        two.put("a", json("1"));
        two.put("b", json("2"));
        assertThat(merge.executor().execute(new Context(json("{\"a\": 1, \"b\": 2}"), two, json("{}"), 1, List.of())).output())
                .isEqualTo(json("{\"a\": 1, \"b\": 2}"));
    }

    @Test
    void logWritesItsMessageAtItsLevelAndPassesTheInputOn() throws Exception {
        List<String> lines = new ArrayList<>();
        assertThat(run("log", "{\"i\": 1}", "{\"message\": \"hello\", \"level\": \"warn\"}", 1, lines).output())
                .isEqualTo(json("{\"i\": 1}"));
        run("log", "{}", "{\"message\": {\"structured\": true}}", 1, lines);
        assertThat(lines).containsExactly("warn hello", "info {\"structured\":true}");
    }

    @Test
    void failThrowsTheConfiguredErrorUntilFailTimesIsReached() throws Exception {
        assertThatThrownBy(() -> run("fail", "{}", "{\"errorType\": \"rate_limited\", \"message\": \"slow\", \"retryAfterMs\": 1500}", 1, List.of()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.RATE_LIMITED);
                    assertThat(e.getMessage()).isEqualTo("slow");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
                });
        String twice = "{\"errorType\": \"timeout\", \"failTimes\": 2}";
        assertThatThrownBy(() -> run("fail", "{}", twice, 2, List.of())).hasMessageContaining("failed on purpose (timeout)");
        assertThat(run("fail", "{\"ok\": 1}", twice, 3, List.of()).output()).isEqualTo(json("{\"ok\": 1}"));
        assertThatThrownBy(() -> run("fail", "{}", "{\"errorType\": \"bogus\"}", 1, List.of()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.INVALID_INPUT));
    }

    @Test
    void levelsAndErrorTypesOfferEveryValue() {
        assertThat(core.manifest().action("log").orElseThrow().field("level").orElseThrow().validation().enumValues())
                .containsExactly("debug", "info", "warn", "error", "critical");
        assertThat(core.manifest().action("fail").orElseThrow().field("errorType").orElseThrow().validation().enumValues())
                .hasSize(ErrorType.values().length).contains("rate_limited", "circuit_open");
        assertThat(LogLevel.fromId("WARN")).contains(LogLevel.WARN);
    }
}
