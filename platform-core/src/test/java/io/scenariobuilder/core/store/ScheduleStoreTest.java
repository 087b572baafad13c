package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleStoreTest {

    @TempDir
    Path dir;

    @Test
    void aTickIsClaimedOnceAndOnlyLaterTicksAfterIt() throws Exception {
        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir))) {
            JdbcScheduleStore schedules = new JdbcScheduleStore(store.dataSource());
            Instant tick = Instant.parse("2026-11-26T10:00:00Z");
            assertThat(schedules.lastTick("s")).isEmpty();
            // Eight claimants race for the same first tick: one wins.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(pool.submit(() -> schedules.claim("s", tick)));
            }
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(won).isEqualTo(1);
            assertThat(schedules.claim("s", tick)).isFalse();
            assertThat(schedules.claim("s", tick.minusSeconds(60))).isFalse();
            assertThat(schedules.claim("s", tick.plusSeconds(60))).isTrue();
            assertThat(schedules.lastTick("s")).contains(tick.plusSeconds(60));
            schedules.forget("s");
            assertThat(schedules.lastTick("s")).isEmpty();
        }
    }
}
