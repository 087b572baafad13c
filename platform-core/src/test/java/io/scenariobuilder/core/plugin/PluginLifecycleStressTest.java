package io.scenariobuilder.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.testing.PluginJars;
import io.scenariobuilder.core.testing.PluginPlatformTest;
import io.scenariobuilder.core.testing.TestEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Many installs and removals: nothing leaks, and executions never see a plugin half-registered. */
class PluginLifecycleStressTest extends PluginPlatformTest {


    @Test
    void fiftyInstallAndRemoveCyclesLeaveNoClassLoaderReachableAndMetaspaceBounded() throws Exception {
        Path jar = PluginJars.built("lib-a");
        Scenario probe = scenario("""
                {"nodes": [{"id": "a", "integrationId": "lib-a", "actionId": "probe"}]}""");
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        long metaspaceAfterWarmUp = 0;
        for (int cycle = 1; cycle <= 50; cycle++) {
            plugins.install(jar);
            loaders.add(new WeakReference<>(registry.find("lib-a").orElseThrow().classLoader()));
            ExecutionResult result = engine.executeScenario(probe, TestEngine.json("{}")).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result.requireNode("a").output().get("library").asText()).isEqualTo("3.8.1");
            plugins.remove("lib-a", false);
            if (cycle == 10) {
                metaspaceAfterWarmUp = metaspaceUsedAfterGc();
            }
        }

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return loaders.stream().allMatch(ref -> ref.get() == null);
        });
        long metaspaceAfterFifty = metaspaceUsedAfterGc();
        // 40 more cycles loaded about 40 x 280 classes; unloaded, they must not have piled up.
        assertThat(metaspaceAfterFifty - metaspaceAfterWarmUp)
                .as("metaspace growth from cycle 10 to 50: %d KB", (metaspaceAfterFifty - metaspaceAfterWarmUp) / 1024)
                .isLessThan(8L * 1024 * 1024);
    }

    private static long metaspaceUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace"))
                .mapToLong(pool -> pool.getUsage().getUsed())
                .sum();
    }

    @Test
    void executionsStartedDuringInstallsAndRemovalsSeeAPluginWholeOrNotAtAll() throws Exception {
        Path v1 = PluginJars.built("versioned-v1");
        Path v2 = PluginJars.built("versioned-v2");
        Scenario both = scenario("""
                {"nodes": [{"id": "main", "integrationId": "versioned", "actionId": "which"},
                           {"id": "extra", "integrationId": "versioned-extra", "actionId": "which"}]}""");
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CompletableFuture<Integer> churn = CompletableFuture.supplyAsync(() -> {
            int changes = 0;
            for (int i = 0; i < 30 && !stop.get(); i++) {
                plugins.install(v1);
                plugins.install(v2);
                plugins.remove("versioned", true);
                changes += 3;
            }
            return changes;
        });
        int completed = 0;
        int refused = 0;
        while (!churn.isDone()) {
            try {
                ExecutionResult result = engine.executeScenario(both, TestEngine.json("{}")).toCompletableFuture().get(10, TimeUnit.SECONDS);
                if (result.status() == ExecutionStatus.COMPLETED) {
                    String main = result.requireNode("main").output().get("version").asText();
                    String extra = result.requireNode("extra").output().get("version").asText();
                    if (!main.equals(extra)) {
                        problems.add("mixed versions " + main + " and " + extra);
                    }
                    completed++;
                } else if (result.status() != ExecutionStatus.CANCELLED) {
                    problems.add("execution ended " + result.status() + ": " + result.error());
                }
            } catch (InvalidScenarioException e) {
                // Absent: both integrations must be unknown, never just one.
                if (e.problems().size() != 2) {
                    problems.add("half-registered: " + e.problems());
                }
                refused++;
            }
        }
        stop.set(true);
        assertThat(churn.get(30, TimeUnit.SECONDS)).isEqualTo(90);
        assertThat(problems).isEmpty();
        assertThat(completed + refused).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> plugins.retiringVersions() == 0);
        assertThat(registry.all()).isEmpty();
    }
}
