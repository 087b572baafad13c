package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore.StaleVersionException;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned scenarios, on each durable database. */
abstract class ScenarioStoreContract {

    @TempDir
    Path dir;

    private JdbcExecutionStore database;
    private JdbcScenarioStore scenarios;
    private final ScenarioParser parser = new ScenarioParser();

    protected abstract StoreSettings settings();

    @BeforeEach
    void open() {
        database = new JdbcExecutionStore(settings());
        scenarios = new JdbcScenarioStore(database.dataSource(), parser, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private Scenario scenario(String id, String message) {
        return parser.parseOrThrow("""
                {"id": "%s", "name": "%s", "trigger": {"type": "webhook", "path": "%s"}, "nodes": [
                  {"id": "say", "integrationId": "core", "actionId": "log", "configuration": {"message": "%s"},
                   "retryPolicy": {"maxAttempts": 2}, "onError": "continue", "timeoutMs": 500}
                ], "connections": []}""".formatted(id, id, id, message), "x");
    }

    @Test
    void updatesAddVersionsAndStaleOnesAreRefused() {
        var first = scenarios.create(scenario("orders", "v1"));
        assertThat(first.version()).isEqualTo(1);
        assertThatThrownBy(() -> scenarios.create(scenario("orders", "again"))).isInstanceOf(StaleVersionException.class)
                .hasMessageContaining("exists already");

        var second = scenarios.update(scenario("orders", "v2"), 1);
        assertThat(second.version()).isEqualTo(2);
        assertThatThrownBy(() -> scenarios.update(scenario("orders", "late"), 1)).isInstanceOf(StaleVersionException.class)
                .hasMessageContaining("not at version 1 (latest: 2)");
        assertThatThrownBy(() -> scenarios.update(scenario("ghost", "x"), 1)).hasMessageContaining("latest: none");

        Scenario latest = scenarios.get("orders").orElseThrow().scenario();
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.nodes().get(0).configuration().get("message").asText()).isEqualTo("v2");
        assertThat(latest.nodes().get(0).retryPolicy().maxAttempts()).isEqualTo(2);
        assertThat(latest.trigger().type()).isEqualTo("webhook");
        // Old versions stay readable for the executions pinned to them.
        assertThat(scenarios.get("orders", 1).orElseThrow().scenario().nodes().get(0).configuration().get("message").asText())
                .isEqualTo("v1");
        assertThat(scenarios.get("orders", 9)).isEmpty();
    }

    @Test
    void listsTheLatestVersionsPageByPageAndDeletes() {
        for (String id : new String[] {"c", "a", "e", "b", "d"}) {
            scenarios.create(scenario(id, id));
        }
        scenarios.update(scenario("b", "b2"), 1);
        var page1 = scenarios.list(null, 2);
        assertThat(page1.items()).extracting(s -> s.scenario().id()).containsExactly("a", "b");
        assertThat(page1.items().get(1).version()).isEqualTo(2);
        var page2 = scenarios.list(page1.nextCursor(), 2);
        assertThat(page2.items()).extracting(s -> s.scenario().id()).containsExactly("c", "d");
        var page3 = scenarios.list(page2.nextCursor(), 2);
        assertThat(page3.items()).extracting(s -> s.scenario().id()).containsExactly("e");
        assertThat(page3.nextCursor()).isNull();

        assertThat(scenarios.delete("b")).isTrue();
        assertThat(scenarios.delete("b")).isFalse();
        assertThat(scenarios.get("b")).isEmpty();
        assertThat(scenarios.get("b", 1)).isEmpty();
    }
}
