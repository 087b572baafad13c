package io.scenariobuilder.core.store;

import static io.scenariobuilder.core.store.ExecutionStoreContract.finished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.engine.ExecutionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetentionJobTest {

    private final InMemoryExecutionStore store = new InMemoryExecutionStore(1_000);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void prunesByAgeAndCountOnItsSchedule() {
        finished(store, "ancient", "s", ExecutionStatus.COMPLETED, clock.instant().minus(Duration.ofDays(40)));
        for (int i = 0; i < 5; i++) {
            finished(store, "r" + i, "s", ExecutionStatus.COMPLETED, clock.instant().minusSeconds(60 - i));
        }
        try (RetentionJob job = new RetentionJob(store, clock, new RetentionJob.Settings(Duration.ofDays(30), 3, Duration.ofMillis(20)))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.find("ancient").isEmpty() && store.find("r1").isEmpty());
            assertThat(store.find("r4")).isPresent();
            assertThat(store.find("r2")).isPresent();
            assertThat(job.runOnce()).isZero();
        }
        assertThat(RetentionJob.Settings.defaults().keepPerScenario()).isEqualTo(10_000);
    }
}
