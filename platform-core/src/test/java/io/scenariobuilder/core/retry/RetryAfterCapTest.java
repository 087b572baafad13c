package io.scenariobuilder.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.api.integration.RetryPolicy;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code Retry-After} of a century, or one too large for a long, must neither overflow nor park a node (and pin its
 * plugin version) for decades: every wait is capped at the platform's maximum, one hour by default.
 */
class RetryAfterCapTest {

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, 3_153_600_000_000L, 3_600_001L, -5L})
    void everyDelayStaysBetweenZeroAndThePlatformMaximum(long retryAfterMs) {
        RetryPolicy generous = new RetryPolicy(10, 1_000, 10.0, Long.MAX_VALUE / 2, true);
        long delay = Backoff.delayMs(generous, 500, retryAfterMs, new Random(1));
        assertThat(delay).isBetween(0L, EngineSettings.DEFAULT_MAX_RETRY_DELAY_MS);
        assertThat(Backoff.delayMs(generous, 3, retryAfterMs, new Random(1), 90_000)).isBetween(0L, 90_000L);
    }

    @Test
    void aRetryAfterTooLongForALongIsTheLongestWaitNotAFailure() {
        // A message's number past a long is the longest wait (the engine caps it): never negative, never an exception, and
        // never its first few digits (which read "retry after 1234567890123 ms" as 123456789 s before).
        assertThat(ErrorClassifier.retryAfterIn("slow down; retry after 99999999999999999999999999 s")).isEqualTo(Long.MAX_VALUE);
        var info = new ErrorClassifier().classify(IntegrationException.rateLimited("throttled", Duration.ofSeconds(Long.MAX_VALUE)));
        assertThat(info.retryAfterMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNodeToldToWaitACenturyWaitsAnHourAtMost() {
        NodeExecutor throttled = context -> {
            throw IntegrationException.rateLimited("come back in a hundred years", Duration.ofDays(36_500));
        };
        try (TestEngine t = new TestEngine()) {
            t.install(new IntegrationManifest("slow", "Slow", "1.0.0", "throttles", null, null,
                    List.of(ActionDefinition.builder("call", throttled).build())));
            Instant before = Instant.now();
            ExecutionHandle handle = t.start("""
                    {"id": "century", "nodes": [{"id": "n", "integrationId": "slow", "actionId": "call",
                      "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "maxDelayMs": 10}}]}""", "{}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> t.store.find(handle.executionId())
                    .map(result -> result.requireNode("n").status() == NodeStatus.WAITING_RETRY).orElse(false));
            var node = t.store.find(handle.executionId()).orElseThrow().requireNode("n");
            assertThat(node.nextAttemptAt()).isBetween(before, Instant.now().plus(Duration.ofHours(1)));
            t.engine.cancel(handle.executionId());
        }
    }
}
