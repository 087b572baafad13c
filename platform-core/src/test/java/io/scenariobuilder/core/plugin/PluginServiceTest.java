package io.scenariobuilder.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationConflictException;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.testing.PluginJars;
import io.scenariobuilder.core.testing.TestEngine;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginServiceTest {

    @TempDir
    Path dir;

    private final Injector injector = Engines.injector(new EngineModule(EngineSettings.defaults()));
    private final PluginService plugins = injector.getInstance(PluginService.class);
    private final IntegrationRegistry registry = injector.getInstance(IntegrationRegistry.class);

    @AfterEach
    void close() {
        plugins.close();
        injector.getInstance(ExecutionEngine.class).close();
    }

    @Test
    void loadsThePluginJarInItsOwnClassLoaderAndRunsItsActions() throws Exception {
        PluginJars.corePlugin(dir, "core.jar", PluginJars.coreManifest(), name -> true);

        var loaded = plugins.loadDirectory(dir);

        assertThat(loaded).containsExactly(new PluginService.LoadedPlugin("core", "1.0.0", java.util.List.of("core")));
        var core = registry.find("core").orElseThrow();
        assertThat(core.classLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(core.manifest().actions().get(0).executor().getClass().getClassLoader()).isSameAs(core.classLoader());
        assertThat(core.manifest().actions().get(0).executor().getClass().getClassLoader())
                .isNotSameAs(CoreIntegration.class.getClassLoader());

        var scenario = injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"nodes": [{"id": "t", "integrationId": "core", "actionId": "transform",
                            "configuration": {"expression": "$uppercase(input.name)"}}]}""", "p");
        ExecutionResult result = injector.getInstance(ExecutionEngine.class)
                .executeScenario(scenario, TestEngine.json("{\"name\": \"ada\"}")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.requireNode("t").output().asText()).isEqualTo("ADA");
    }

    @Test
    void aCorruptJarIsRefusedWithItsName() throws Exception {
        Path jar = Files.write(dir.resolve("broken.jar"), new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> plugins.load(jar))
                .isInstanceOf(PluginLoadException.class).hasMessageContaining("broken.jar");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void aJarWithoutAPluginDescriptorIsRefused() {
        Path jar = PluginJars.corePlugin(dir, "plain.jar", Map.of(), name -> true);
        assertThatThrownBy(() -> plugins.load(jar))
                .isInstanceOf(PluginLoadException.class).hasMessageContaining("plain.jar");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void aPluginForAnotherApiVersionIsRefused() {
        Map<String, String> manifest = PluginJars.coreManifest();
        manifest.put("Plugin-Requires", ">=2.0.0");
        Path jar = PluginJars.corePlugin(dir, "future.jar", manifest, name -> true);
        assertThatThrownBy(() -> plugins.load(jar))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("did not start").hasMessageContaining(">=2.0.0");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void aPluginWithoutIntegrationsIsRefusedAndUnloaded() {
        Path jar = PluginJars.corePlugin(dir, "empty.jar", PluginJars.coreManifest(),
                name -> !name.equals("META-INF/extensions.idx"));
        assertThatThrownBy(() -> plugins.load(jar))
                .isInstanceOf(PluginLoadException.class).hasMessageContaining("provides no integration");
        // Unloaded again: the same plugin id loads cleanly afterwards.
        Path good = PluginJars.corePlugin(dir, "good.jar", PluginJars.coreManifest(), name -> true);
        assertThat(plugins.load(good).integrationIds()).containsExactly("core");
    }

    @Test
    void anIntegrationIdClashIsRefusedAndLeavesTheFirstInPlace() {
        var first = registry.register(new CoreIntegration().manifest(), getClass().getClassLoader(), "builtin");
        Path jar = PluginJars.corePlugin(dir, "clash.jar", PluginJars.coreManifest(), name -> true);
        assertThatThrownBy(() -> plugins.load(jar))
                .isInstanceOf(PluginLoadException.class).hasCauseInstanceOf(IntegrationConflictException.class)
                .hasMessageContaining("already provided by plugin 'builtin'");
        assertThat(registry.find("core").orElseThrow().pluginId()).isEqualTo("builtin");
        first.close();
        first.close();
        assertThat(registry.find("core")).isEmpty();
    }

    @Test
    void aMissingPluginsFolderIsAClearError() {
        assertThatThrownBy(() -> plugins.loadDirectory(dir.resolve("nope")))
                .isInstanceOf(PluginLoadException.class).hasMessageContaining("does not exist");
    }
}
