package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servers' notifications on PostgreSQL: a handler that throws does not deafen the others, nor the bus. */
class ClusterBusTest {

    @TempDir
    Path dir;

    @Test
    void aHandlerThatThrowsNeitherStopsTheOthersNorTheNextNotifications() {
        StoreSettings settings = TestPostgres.freshDatabase();
        try (JdbcExecutionStore store = new JdbcExecutionStore(settings); ClusterBus bus = new ClusterBus(settings, store.dataSource())) {
            List<String> heard = new CopyOnWriteArrayList<>();
            bus.on("changes", payload -> {
                throw new IllegalStateException("a handler with a bug");
            });
            bus.on("changes", heard::add);
            bus.start();

            bus.publish("changes", "scenario:orders");
            bus.publish("changes", "scenario:invoices");

            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
            assertThat(heard).containsExactly("scenario:orders", "scenario:invoices");
            assertThatThrownBy(() -> bus.publish("changes", "x".repeat(8_001))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most");
        }
    }

    @Test
    void theBusNeedsPostgresql() {
        assertThatThrownBy(() -> new ClusterBus(StoreSettings.embedded(dir), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the cluster bus needs PostgreSQL");
    }

    @Test
    void aBusThatCannotReachTheDatabaseSaysSoAtStart() {
        StoreSettings unreachable = new StoreSettings("jdbc:postgresql://127.0.0.1:1/nowhere", "x", "y", false, 100,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
        try (ClusterBus bus = new ClusterBus(unreachable, null)) {
            bus.on("changes", payload -> { });
            assertThatThrownBy(bus::start).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("cannot listen for the other servers of the cluster: ");
        }
    }
}
