package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The engine's small contracts that others rely on: execution ids that sort by time (the stores page by id), the
 * settings it refuses, the scope a node's code runs in (its plugin's class loader and the ids in the MDC), and which
 * credential values are masked.
 */
class EngineBasicsTest {

    @Test
    void executionIdsStartWithTheirMillisecondSoTheySortByCreationTime() {
        Instant at = Instant.parse("2026-11-30T10:15:30.123Z");
        String id = ExecutionIds.next(Clock.fixed(at, ZoneOffset.UTC));
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(Long.parseLong(id.substring(0, 12), 16)).isEqualTo(at.toEpochMilli());

        String later = ExecutionIds.next(Clock.fixed(at.plusMillis(1), ZoneOffset.UTC));
        assertThat(later).isGreaterThan(id);
        Set<String> sameMillisecond = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> sameMillisecond.add(ExecutionIds.next(Clock.fixed(at, ZoneOffset.UTC))));
        assertThat(sameMillisecond).as("80 random bits: no two alike").hasSize(10_000);
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheSetting() {
        assertThat(new EngineSettings(1, 1, null, 1, 1).engineThreads()).as("the smallest allowed").isEqualTo(1);
        assertThatThrownBy(() -> new EngineSettings(0, 1, null, 1, 1)).hasMessage("engineThreads must be at least 1: 0");
        assertThatThrownBy(() -> new EngineSettings(1, 0, null, 1, 1)).hasMessage("maxRetainedExecutions must be at least 1: 0");
        assertThatThrownBy(() -> new EngineSettings(1, 1, null, 0, 1)).hasMessage("maxInFlightOutputBytes must be positive: 0");
        assertThatThrownBy(() -> new EngineSettings(1, 1, null, 1, 0)).hasMessage("maxRetryDelayMs must be positive: 0");

        EngineSettings defaults = EngineSettings.defaults();
        assertThat(defaults.engineThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.maxRetainedExecutions()).isEqualTo(1_000);
        assertThat(defaults.maxInFlightOutputBytes()).as("a quarter of the heap").isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(defaults.maxRetryDelayMs()).isEqualTo(EngineSettings.DEFAULT_MAX_RETRY_DELAY_MS);
        EngineSettings capped = defaults.withMaxRetryDelayMs(5_000);
        assertThat(capped.maxRetryDelayMs()).isEqualTo(5_000);
        assertThat(capped.engineThreads()).isEqualTo(defaults.engineThreads());
        assertThat(capped.maxInFlightOutputBytes()).isEqualTo(defaults.maxInFlightOutputBytes());
    }

    @Test
    void aNodeRunsWithItsPluginsClassLoaderAndItsIdsInTheMdcAndLeavesTheThreadAsItFoundIt() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], null)) {
            ClassLoader previous = ActionCalls.enter(plugin, "e1", "s1", "n1", "t1", "sp1");
            assertThat(previous).isSameAs(before);
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(plugin);
            assertThat(List.of(MDC.get("executionId"), MDC.get("scenarioId"), MDC.get("nodeId"), MDC.get("traceId"), MDC.get("spanId")))
                    .containsExactly("e1", "s1", "n1", "t1", "sp1");
            ActionCalls.leave(previous);
        }
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
        assertThat(List.of("executionId", "scenarioId", "nodeId", "traceId", "spanId")).allSatisfy(key -> assertThat(MDC.get(key)).isNull());
    }

    @Test
    void credentialValuesOfSixCharactersOrMoreAreMaskedShorterOnesAreOrdinaryWords() throws Exception {
        var credentials = new ObjectMapper().readTree("""
                {"authType": "basic", "username": "admin6", "password": "hunter22", "port": 8080, "short": "abcde"}""");
        assertThat(ActionCalls.secretValues(credentials)).containsExactlyInAnyOrder("admin6", "hunter22");
    }
}
