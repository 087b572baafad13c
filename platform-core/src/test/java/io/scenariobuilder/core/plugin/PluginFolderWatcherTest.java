package io.scenariobuilder.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.testing.PluginJars;
import io.scenariobuilder.core.testing.PluginPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderWatcherTest {

    @TempDir
    Path folder;

    @TempDir
    Path work;

    private PluginPlatform platform;
    private PluginService plugins;
    private PluginFolderWatcher watcher;

    @BeforeEach
    void boot() {
        platform = new PluginPlatform(work);
        plugins = platform.plugins;
        watcher = new PluginFolderWatcher(plugins, folder, 100);
    }

    @AfterEach
    void close() {
        watcher.close();
        platform.close();
    }

    private Optional<String> versionOf(String pluginId) {
        return plugins.find(pluginId).map(PluginService.InstalledPlugin::version);
    }

    @Test
    void droppingReplacingAndDeletingJarsInstallsUpgradesAndRemoves() throws Exception {
        Path jar = folder.resolve("versioned.jar");
        Files.copy(PluginJars.built("versioned-v1"), jar);
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("versioned").equals(Optional.of("1.0.0")));

        // Replace it the safe way (write elsewhere, then move in): the plugin is upgraded.
        Path staged = work.resolve("staged.jar");
        Files.copy(PluginJars.built("versioned-v2"), staged);
        Files.move(staged, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("versioned").equals(Optional.of("2.0.0")));
        assertThat(platform.registry.find("versioned-extra")).isPresent();

        Files.delete(jar);
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("versioned").isEmpty());
        assertThat(platform.registry.find("versioned")).isEmpty();
    }

    @Test
    void aBadJarDroppedInIsLoggedAndChangesNothing() throws Exception {
        Files.copy(PluginJars.built("lib-a"), folder.resolve("a.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("lib-a").isPresent());
        Files.write(folder.resolve("broken.jar"), new byte[] {1, 2, 3});
        Files.copy(PluginJars.built("bad-start"), folder.resolve("bad.jar"));
        // A JAR with a name the watcher has not seen, dropped last: once it is installed, the bad ones were handled.
        Files.copy(PluginJars.built("lib-b"), folder.resolve("z.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("lib-b").isPresent());
        assertThat(plugins.list()).extracting(PluginService.InstalledPlugin::id).containsExactly("lib-a", "lib-b");
        Files.writeString(folder.resolve("readme.txt"), "ignored");
        // Deleting a JAR that never installed is harmless.
        Files.delete(folder.resolve("broken.jar"));
        Files.copy(PluginJars.built("sb-plugin-core"), folder.resolve("zz-core.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> versionOf("core").isPresent());
        assertThat(plugins.list()).hasSize(3);
    }
}
