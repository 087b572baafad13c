package io.scenariobuilder.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.testing.PluginJars;
import io.scenariobuilder.core.testing.PluginPlatformTest;
import io.scenariobuilder.core.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginServiceTest extends PluginPlatformTest {

    @TempDir
    Path dir;


    private ExecutionResult run(String json) throws Exception {
        return engine.executeScenario(scenario(json), TestEngine.json("{\"name\": \"ada\"}")).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Map<String, String> manifest(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void theCorePluginLoadsFromItsJarInItsOwnClassLoader() throws Exception {
        var installed = plugins.install(PluginJars.built("sb-plugin-core"));
        assertThat(installed.id()).isEqualTo("core");
        assertThat(installed.integrationIds()).containsExactly("core");
        assertThat(installed.state()).isEqualTo("started");
        assertThat(installed.sha256()).hasSize(64);
        var core = registry.find("core").orElseThrow();
        assertThat(core.classLoader()).isInstanceOf(IsolatingPluginClassLoader.class);
        assertThat(core.manifest().actions().get(0).executor().getClass().getClassLoader()).isSameAs(core.classLoader());

        ExecutionResult result = run("""
                {"nodes": [{"id": "t", "integrationId": "core", "actionId": "transform",
                            "configuration": {"expression": "$uppercase(input.name)"}}]}""");
        assertThat(result.requireNode("t").output().asText()).isEqualTo("ADA");
    }

    @Test
    void twoPluginsBundlingDifferentVersionsOfOneLibraryBothWorkInOnePlatform() throws Exception {
        plugins.install(PluginJars.built("lib-a"));
        plugins.install(PluginJars.built("lib-b"));

        ExecutionResult result = run("""
                {"nodes": [{"id": "a", "integrationId": "lib-a", "actionId": "probe"},
                           {"id": "b", "integrationId": "lib-b", "actionId": "probe"}]}""");

        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        JsonNode a = result.requireNode("a").output();
        JsonNode b = result.requireNode("b").output();
        assertThat(a.get("library").asText()).isEqualTo("3.8.1");
        assertThat(b.get("library").asText()).isEqualTo("3.18.0");
        assertThat(b.get("containsIgnoreCase").asBoolean()).isTrue();
        assertThat(a.get("abbreviated").asText()).isEqualTo("scenari...");
        assertThat(a.get("libraryFromPlugin").asBoolean()).isTrue();
        // The thread context class loader is the plugin's during the call, and the host's class path is hidden.
        assertThat(a.get("contextLoaderIsPlugin").asBoolean()).isTrue();
        assertThat(a.get("seesHostGuava").asBoolean()).isFalse();
        assertThat(a.get("seesPlatformCore").asBoolean()).isFalse();
    }

    @Test
    void sharedPackagesComeFromThePlatformAndEverythingElseFromThePlugin() {
        assertThat(IsolatingPluginClassLoader.parentFirst("io.scenariobuilder.api.execution.ExecutionContext")).isTrue();
        assertThat(IsolatingPluginClassLoader.parentFirst("com.fasterxml.jackson.databind.JsonNode")).isTrue();
        assertThat(IsolatingPluginClassLoader.parentFirst("org.slf4j.Logger")).isTrue();
        assertThat(IsolatingPluginClassLoader.parentFirst("org.pf4j.Extension")).isTrue();
        assertThat(IsolatingPluginClassLoader.parentFirst("java.lang.String")).isTrue();
        assertThat(IsolatingPluginClassLoader.parentFirst("io.scenariobuilder.core.engine.ExecutionEngine")).isFalse();
        assertThat(IsolatingPluginClassLoader.parentFirst("org.apache.commons.lang3.StringUtils")).isFalse();
    }

    @Test
    void badJarsAreRefusedWithAClearErrorAndLeaveThePlatformAsItWas() throws Exception {
        plugins.install(PluginJars.built("lib-a"));
        long generation = registry.generation();
        Path libB = PluginJars.built("lib-b");

        assertRefused(Files.write(dir.resolve("broken.jar"), new byte[] {1, 2, 3, 4}), PluginInvalidException.class,
                "broken.jar is not a readable plugin JAR");
        assertRefused(PluginJars.variant(libB, dir.resolve("plain.jar"), manifest("Plugin-Id", null)),
                PluginInvalidException.class, "plain.jar");
        assertRefused(PluginJars.variant(libB, dir.resolve("future.jar"), manifest("Plugin-Requires", ">=2.0.0")),
                PluginInvalidException.class, "requires platform API >=2.0.0, but this platform provides API " + io.scenariobuilder.api.PlatformApi.VERSION);
        assertRefused(PluginJars.variant(libB, dir.resolve("badid.jar"), manifest("Plugin-Id", "Bad Id!")),
                PluginInvalidException.class, "Plugin-Id 'Bad Id!' must match");
        assertRefused(PluginJars.variant(libB, dir.resolve("badversion.jar"), manifest("Plugin-Version", "one")),
                PluginInvalidException.class, "Plugin-Version 'one' of plugin 'lib-b' is not a semantic version");
        assertRefused(PluginJars.variant(libB, dir.resolve("badrange.jar"), manifest("Plugin-Requires", "around 1")),
                PluginInvalidException.class, "is not a version range");
        assertRefused(PluginJars.built("bad-start"), PluginInvalidException.class,
                "failed to start: java.lang.IllegalStateException: bad-start refuses to start: no license key");
        assertRefused(PluginJars.built("bad-fields"), PluginInvalidException.class, "plugin 'bad-fields' 1.0.0 from bad-fields.jar: "
                + "integration 'bad-fields', action 'read': the fields' dependencies form a cycle: sheet -> tab -> sheet");
        assertRefused(PluginJars.variant(libB, dir.resolve("empty.jar"), Map.of(), name -> !name.equals("META-INF/extensions.idx")),
                PluginInvalidException.class, "provides no integration");
        assertRefused(PluginJars.variant(PluginJars.built("lib-a"), dir.resolve("clash.jar"), manifest("Plugin-Id", "lib-c")),
                PluginConflictException.class, "integration 'lib-a' is already provided by plugin 'lib-a'");
        assertRefused(PluginJars.built("lib-a"), PluginConflictException.class,
                "plugin 'lib-a' 1.0.0 is installed; only a newer version replaces it (got 1.0.0)");
        assertRefused(dir.resolve("missing.jar"), PluginInvalidException.class, "does not exist");
        // A JAR with no manifest at all: a library JAR uploaded by mistake.
        Path library = dir.resolve("library.jar");
        try (var in = new java.util.jar.JarFile(libB.toFile());
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(library))) {
            for (var entries = in.entries(); entries.hasMoreElements(); ) {
                var entry = entries.nextElement();
                if (!entry.getName().equals(java.util.jar.JarFile.MANIFEST_NAME)) {
                    out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    in.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        assertRefused(library, PluginInvalidException.class, "library.jar is not a readable plugin JAR (corrupt, or no META-INF/MANIFEST.MF with "
                        + "Plugin-Id and Plugin-Version): ");

        assertThat(registry.generation()).isEqualTo(generation);
        assertThat(plugins.list()).extracting(PluginService.InstalledPlugin::id).containsExactly("lib-a");
        assertThat(registry.all()).extracting(IntegrationRegistry.RegisteredIntegration::id).containsExactly("lib-a");
        // Refused JARs leave no copy behind: only lib-a's.
        try (var files = Files.list(work)) {
            assertThat(files.filter(f -> f.toString().endsWith(".jar"))).hasSize(1);
        }
        assertThat(run("""
                {"nodes": [{"id": "a", "integrationId": "lib-a", "actionId": "probe"}]}""").status()).isEqualTo(ExecutionStatus.COMPLETED);
    }

    private void assertRefused(Path jar, Class<? extends RuntimeException> type, String message) {
        assertThatThrownBy(() -> plugins.install(jar)).isInstanceOf(type).hasMessageContaining(message);
    }

    @Test
    void anUpgradeLetsRunningExecutionsFinishOnTheOldVersionAndNewOnesUseTheNew() throws Exception {
        plugins.install(PluginJars.built("versioned-v1"));
        Path release = dir.resolve("release");
        ExecutionHandle held = engine.start(scenario("""
                {"nodes": [{"id": "h", "integrationId": "versioned", "actionId": "hold", "configuration": {"file": "%s"}}]}"""
                .formatted(release)), TestEngine.json("{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> plugins.find("versioned").orElseThrow().runningExecutions() == 1);
        ClassLoader v1Loader = registry.find("versioned").orElseThrow().classLoader();

        var upgraded = plugins.install(PluginJars.built("versioned-v2"));

        assertThat(upgraded.version()).isEqualTo("2.0.0");
        assertThat(plugins.list()).extracting(PluginService.InstalledPlugin::version).containsExactly("2.0.0");
        assertThat(plugins.retiringVersions()).isEqualTo(1);
        ExecutionResult fresh = run("""
                {"nodes": [{"id": "w", "integrationId": "versioned", "actionId": "which"}]}""");
        assertThat(fresh.requireNode("w").output().get("version").asText()).isEqualTo("2.0.0");

        Files.createFile(release);
        ExecutionResult old = TestEngine.await(held);
        assertThat(old.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(old.requireNode("h").output().get("version").asText()).isEqualTo("1.0.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> plugins.retiringVersions() == 0);
        assertThat(((IsolatingPluginClassLoader) v1Loader).isClosed()).isTrue();
        assertThatThrownBy(() -> plugins.install(PluginJars.built("versioned-v1")))
                .isInstanceOf(PluginConflictException.class).hasMessageContaining("only a newer version");
    }

    @Test
    void removalIsRefusedWhileExecutionsUseThePluginUnlessForced() throws Exception {
        plugins.install(PluginJars.built("versioned-v1"));
        ExecutionHandle held = engine.start(scenario("""
                {"nodes": [{"id": "h", "integrationId": "versioned", "actionId": "hold", "configuration": {"file": "%s"}}]}"""
                .formatted(dir.resolve("never"))), TestEngine.json("{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> plugins.find("versioned").orElseThrow().runningExecutions() == 1);

        assertThatThrownBy(() -> plugins.remove("versioned", false))
                .isInstanceOf(PluginInUseException.class).hasMessageContaining("used by 1 running execution");
        assertThat(registry.find("versioned")).isPresent();

        plugins.remove("versioned", true);

        assertThat(TestEngine.await(held).status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(registry.find("versioned")).isEmpty();
        assertThat(plugins.list()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> plugins.retiringVersions() == 0);
        assertThatThrownBy(() -> run("""
                {"nodes": [{"id": "w", "integrationId": "versioned", "actionId": "which"}]}"""))
                .isInstanceOf(InvalidScenarioException.class).hasMessageContaining("unknown integration 'versioned'");
        assertThatThrownBy(() -> plugins.remove("versioned", false)).isInstanceOf(UnknownPluginException.class);
        // Removed, it can be installed again.
        assertThat(plugins.install(PluginJars.built("versioned-v1")).version()).isEqualTo("1.0.0");
    }

    @Test
    void aListenerThatFailsDoesNotUndoTheInstallNorKeepTheOthersFromHearingOfIt() {
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        plugins.addListener(new PluginService.Listener() {
            @Override
            public void installed(PluginService.InstalledPlugin plugin) {
                throw new IllegalStateException("the plugin records are unavailable");
            }

            @Override
            public void removed(String pluginId) {
                throw new IllegalStateException("the plugin records are unavailable");
            }
        });
        plugins.addListener(new PluginService.Listener() {
            @Override
            public void installed(PluginService.InstalledPlugin plugin) {
                heard.add("installed " + plugin.id());
            }

            @Override
            public void removed(String pluginId) {
                heard.add("removed " + pluginId);
            }
        });
        plugins.install(PluginJars.built("lib-a"));
        assertThat(registry.find("lib-a")).isPresent();
        plugins.removeWhenIdle("lib-a");
        assertThat(registry.find("lib-a")).isEmpty();
        assertThat(heard).containsExactly("installed lib-a", "removed lib-a");
        assertThatThrownBy(() -> plugins.removeWhenIdle("lib-a")).isInstanceOf(UnknownPluginException.class)
                .hasMessage("no plugin 'lib-a' is installed");
    }

    @Test
    void anIdlePluginIsRemovedAndUnloadedAtOnce() {
        plugins.install(PluginJars.built("lib-a"));
        ClassLoader loader = registry.find("lib-a").orElseThrow().classLoader();
        plugins.remove("lib-a", false);
        assertThat(((IsolatingPluginClassLoader) loader).isClosed()).isTrue();
        assertThat(plugins.retiringVersions()).isZero();
    }

    @Test
    void aFolderLoadInstallsWhatItCanAndReportsTheRest() throws Exception {
        Files.copy(PluginJars.built("lib-a"), dir.resolve("a.jar"));
        Files.copy(PluginJars.built("bad-start"), dir.resolve("b.jar"));
        Files.writeString(dir.resolve("notes.txt"), "not a plugin");
        var load = plugins.loadDirectory(dir);
        assertThat(load.installed()).extracting(PluginService.InstalledPlugin::id).containsExactly("lib-a");
        assertThat(load.failed()).containsOnlyKeys(dir.resolve("b.jar"));
        assertThat(plugins.findBySource(dir.resolve("a.jar"))).isPresent();
        assertThat(plugins.isInstalled(plugins.find("lib-a").orElseThrow().sha256())).isTrue();
        assertThatThrownBy(() -> plugins.loadDirectory(dir.resolve("nope")))
                .isInstanceOf(PluginInvalidException.class).hasMessageContaining("does not exist");
    }

    @Test
    void closingUnloadsEverythingAndRefusesFurtherInstalls() {
        plugins.install(PluginJars.built("lib-a"));
        ClassLoader loader = registry.find("lib-a").orElseThrow().classLoader();
        plugins.close();
        assertThat(((IsolatingPluginClassLoader) loader).isClosed()).isTrue();
        assertThat(registry.all()).isEmpty();
        assertThatThrownBy(() -> plugins.install(PluginJars.built("lib-a"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void plugin_ids_names_come_from_the_descriptor() {
        var installed = plugins.install(PluginJars.built("sb-plugin-core"));
        // The built-in plugins require the API they were built with.
        assertThat(installed.requires()).isEqualTo(">=" + io.scenariobuilder.api.PlatformApi.VERSION + " & <2.0.0");
        assertThat(installed.provider()).isEqualTo("Scenario Builder");
        assertThat(installed.description()).contains("noop");
        assertThat(List.of(installed.source())).containsExactly(PluginJars.built("sb-plugin-core"));
    }
}
