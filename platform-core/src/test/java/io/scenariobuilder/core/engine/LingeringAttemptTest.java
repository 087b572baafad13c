package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.testing.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node times out, but its action ignores the interrupt and goes on. Its retry, with the same idempotency key, must
 * not run beside it: it starts once the first attempt's thread has ended.
 */
class LingeringAttemptTest {

    @Test
    void aRetryWaitsForTheTimedOutAttemptThatIgnoresItsInterrupt() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlapped = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        NodeExecutor stubborn = context -> {
            int attempt = started.incrementAndGet();
            if (running.incrementAndGet() > 1) {
                overlapped.incrementAndGet();
            }
            try {
                while (attempt == 1 && release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // the action ignores its interrupt, as careless plugins do
                    }
                }
                return ActionResult.of(context.input());
            } finally {
                running.decrementAndGet();
            }
        };
        try (TestEngine t = new TestEngine()) {
            t.install(new IntegrationManifest("stubborn", "Stubborn", "1.0.0", "ignores interrupts", null, null,
                    List.of(ActionDefinition.builder("call", stubborn).build())));
            var handle = t.start("""
                    {"id": "linger", "nodes": [{"id": "n", "integrationId": "stubborn", "actionId": "call", "timeoutMs": 100,
                      "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""", "{}");
            // The first attempt timed out and its retry is due, but the first is still running: nobody starts.
            await().atMost(Duration.ofSeconds(10)).until(() -> t.store.find(handle.executionId())
                    .map(r -> r.requireNode("n").attemptHistory().size() == 1).orElse(false));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> started.get() == 1);

            release.countDown();
            ExecutionResult result = TestEngine.await(handle);
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(started).hasValue(2);
            assertThat(overlapped).as("two attempts never ran at once").hasValue(0);
            assertThat(result.requireNode("n").attemptHistory().get(0).error().type().id()).isEqualTo("timeout");
            assertThat(result.requireNode("n").attemptHistory().get(0).stillRunningMs()).isNull();
        }
    }
}
