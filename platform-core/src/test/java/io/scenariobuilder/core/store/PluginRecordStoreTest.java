package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcPluginRecordStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.PluginJars;
import io.scenariobuilder.core.testing.PluginPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRecordStoreTest {

    @TempDir
    Path dir;

    @Test
    void theStoreFollowsInstallsUpgradesAndRemovals() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (JdbcExecutionStore database = new JdbcExecutionStore(StoreSettings.embedded(data));
                PluginPlatform platform = new PluginPlatform(dir.resolve("work"))) {
            JdbcPluginRecordStore records = new JdbcPluginRecordStore(database.dataSource(), Clock.systemUTC());
            platform.plugins.addListener(records);

            platform.plugins.install(PluginJars.built("lib-a"));
            platform.plugins.install(PluginJars.built("versioned-v1"));
            platform.plugins.install(PluginJars.built("versioned-v2"));

            assertThat(records.list()).extracting(JdbcPluginRecordStore.PluginRecord::id).containsExactly("lib-a", "versioned");
            var versioned = records.list().get(1);
            assertThat(versioned.version()).isEqualTo("2.0.0");
            assertThat(versioned.integrations()).containsExactlyInAnyOrder("versioned", "versioned-extra");
            assertThat(versioned.sha256()).isEqualTo(platform.plugins.find("versioned").orElseThrow().sha256());
            assertThat(versioned.source()).isEqualTo(PluginJars.built("versioned-v2").toAbsolutePath());

            platform.plugins.remove("lib-a", false);
            platform.plugins.removeWhenIdle("versioned");
            assertThat(records.list()).isEmpty();
        }
    }
}
