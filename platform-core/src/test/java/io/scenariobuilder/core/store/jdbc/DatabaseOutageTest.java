package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.secret.SecretBox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops answering (a restart, a network cut, a full connection pool): every store the API reads and
 * writes fails with a {@link StoreException} that names what it was doing and says the outage passes (the API answers
 * 503 with Retry-After), and everything stored before the outage is there after it. A damaged row names its record.
 */
class DatabaseOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSED = OutageDataSource.REFUSED;

    @TempDir
    Path dir;

    private JdbcExecutionStore database;
    private OutageDataSource door;
    private DataSource outage;
    private final ScenarioParser parser = new ScenarioParser();

    @BeforeEach
    void open() {
        database = new JdbcExecutionStore(StoreSettings.embedded(dir));
        door = new OutageDataSource(database.dataSource());
        outage = door.dataSource();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private Scenario scenario(String id) {
        return parser.parseOrThrow("""
                {"id": "%s", "name": "%s", "trigger": {"type": "manual"}, "nodes": [
                  {"id": "say", "integrationId": "core", "actionId": "log", "configuration": {"message": "hi"}}
                ], "connections": []}""".formatted(id, id), "x");
    }

    private static void failsNaming(ThrowingCallable call, String what) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.unavailable()).as("an outage passes").isTrue())
                .hasMessageContaining(what)
                .hasMessageContaining(REFUSED);
    }

    @Test
    void everyStoreSaysWhatItCouldNotDoAndKeepsWhatItHad() throws Exception {
        Clock clock = Clock.systemUTC();
        JdbcScenarioStore scenarios = new JdbcScenarioStore(outage, parser, clock);
        JdbcConnectionStore connections = new JdbcConnectionStore(outage, new SecretBox(new SecretKeySpec(new byte[32], "AES")), clock);
        JdbcApiKeyStore keys = new JdbcApiKeyStore(outage, clock);
        JdbcScheduleStore schedules = new JdbcScheduleStore(outage);
        JdbcPluginRecordStore plugins = new JdbcPluginRecordStore(outage, clock);
        PluginService.InstalledPlugin plugin = new PluginService.InstalledPlugin("shop", "1.0.0", "", "*", "", List.of("shop"),
                "STARTED", dir.resolve("shop.jar"), "ab", 0);

        scenarios.create(scenario("orders"));
        connections.put("crm", "http", "CRM", JSON.readTree("{\"token\": \"t\"}"), List.of("crm.example"), null);
        JdbcApiKeyStore.CreatedKey key = keys.create("ops", JdbcApiKeyStore.Role.ADMIN);
        Instant tick = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(schedules.claim("orders", tick)).isTrue();
        plugins.installed(plugin);

        door.down(true);
        failsNaming(() -> scenarios.create(scenario("late")), "cannot store scenario late");
        failsNaming(() -> scenarios.update(scenario("orders"), 1), "cannot store scenario orders");
        failsNaming(() -> scenarios.get("orders"), "cannot read scenario orders");
        failsNaming(() -> scenarios.list(null, 10), "cannot list scenarios");
        failsNaming(scenarios::latestVersions, "cannot list the scenarios' versions");
        failsNaming(() -> scenarios.delete("orders"), "cannot delete scenario orders");

        failsNaming(() -> connections.put("crm2", "http", "CRM", JSON.readTree("{}")), "cannot store connection crm2");
        failsNaming(() -> connections.get("crm"), "cannot read connection crm");
        failsNaming(connections::list, "cannot list connections");
        failsNaming(() -> connections.delete("crm"), "cannot delete connection crm");
        failsNaming(() -> connections.credentials("crm", "http"), "cannot read connection crm");

        failsNaming(() -> keys.create("late", JdbcApiKeyStore.Role.VIEWER), "cannot store API key 'late'");
        failsNaming(() -> keys.authenticate(key.secret()), "cannot check an API key");
        failsNaming(keys::list, "cannot list API keys");
        failsNaming(() -> keys.delete(key.key().id()), "cannot delete API key " + key.key().id());

        failsNaming(() -> schedules.lastTick("orders"), "cannot read the schedule of scenario orders");
        failsNaming(() -> schedules.claim("orders", tick.plusSeconds(60)), "cannot claim a schedule tick of scenario orders");
        failsNaming(() -> schedules.forget("orders"), "cannot forget the schedule of scenario orders");

        failsNaming(() -> plugins.installed(plugin), "cannot record plugin shop");
        failsNaming(() -> plugins.removed("shop"), "cannot record the removal of plugin shop");
        failsNaming(plugins::list, "cannot list installed plugins");

        door.down(false);
        assertThat(scenarios.get("orders").orElseThrow().version()).isEqualTo(1);
        assertThat(connections.get("crm").orElseThrow().allowedHosts()).containsExactly("crm.example");
        assertThat(keys.authenticate(key.secret())).isPresent();
        assertThat(schedules.lastTick("orders")).contains(tick);
        assertThat(plugins.list()).extracting(JdbcPluginRecordStore.PluginRecord::id).containsExactly("shop");
    }

    @Test
    void aDamagedConnectionRowNamesTheConnectionAndLeavesTheOthersReadable() throws Exception {
        JdbcConnectionStore connections = new JdbcConnectionStore(outage, new SecretBox(new SecretKeySpec(new byte[32], "AES")),
                Clock.systemUTC());
        connections.put("crm", "http", "CRM", JSON.readTree("{\"token\": \"t\"}"), List.of("crm.example"), null);
        connections.put("shop", "http", "Shop", JSON.readTree("{\"token\": \"u\"}"), List.of("shop.example"), null);
        try (Connection connection = database.dataSource().getConnection(); Statement st = connection.createStatement()) {
            st.executeUpdate("UPDATE connections SET allowed_hosts = '[\"crm.example' WHERE id = 'crm'");
        }
        assertThatThrownBy(() -> connections.get("crm")).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.unavailable()).as("damage does not pass by itself").isFalse())
                .hasMessage("the allowed hosts of connection crm are damaged");
        assertThat(connections.get("shop").orElseThrow().allowedHosts()).containsExactly("shop.example");

        // Credentials that open (the right key) but are not the JSON they were: named too.
        String sealedGarbage = new SecretBox(new SecretKeySpec(new byte[32], "AES")).seal("{not json", "connection shop");
        try (Connection connection = database.dataSource().getConnection();
                var st = connection.prepareStatement("UPDATE connections SET credentials = ? WHERE id = 'shop'")) {
            st.setString(1, sealedGarbage);
            st.executeUpdate();
        }
        assertThatThrownBy(() -> connections.get("shop")).isInstanceOf(StoreException.class)
                .hasMessage("the credentials of connection shop are damaged");
    }
}
