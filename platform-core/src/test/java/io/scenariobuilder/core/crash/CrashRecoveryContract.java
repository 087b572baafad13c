package io.scenariobuilder.core.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of executions, several times, then restart: every acknowledged execution finishes with the
 * right outputs, and no node the store held as completed ever runs again.
 */
abstract class CrashRecoveryContract {

    private static final int EXECUTIONS = 40;
    private static final int KILLED_ROUNDS = 3;

    @TempDir
    Path dir;

    /** The store the worker and the checks use. */
    protected abstract StoreSettings settings();

    /** A worker process and what it printed. */
    private static final class Worker {
        final Process process;
        final Map<String, Integer> accepted = new ConcurrentHashMap<>();
        volatile boolean allDone;

        Worker(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("accepted ")) {
                            String[] parts = line.split(" ");
                            accepted.put(parts[1], Integer.parseInt(parts[2]));
                        } else if (line.equals("all-done")) {
                            allDone = true;
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
        }
    }

    private Worker spawn(int round, String... mode) throws IOException {
        List<String> command = new java.util.ArrayList<>(ChildJvm.command(List.of("--enable-native-access=ALL-UNNAMED",
                "-Dguice_custom_class_loading=CHILD", "-Xmx256m"), CrashWorker.class, dir.toString(), Integer.toString(round)));
        command.addAll(List.of(mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("worker-" + round + ".err").toFile());
        StoreSettings settings = settings();
        if (!settings.jdbcUrl().startsWith("jdbc:sqlite:")) {
            builder.environment().put("CRASH_STORE_URL", settings.jdbcUrl());
            builder.environment().put("CRASH_STORE_USER", settings.user());
            builder.environment().put("CRASH_STORE_PASSWORD", settings.password());
        }
        return new Worker(builder.start());
    }

    /** The (execution, node) pairs the store holds as completed: after a kill, these must never run again. */
    private Set<String> completedInStore() {
        Set<String> completed = new HashSet<>();
        try (JdbcExecutionStore store = new JdbcExecutionStore(settings())) {
            for (var unfinished : store.unfinished()) {
                for (NodeRecord node : unfinished.nodes()) {
                    if (node.status() == NodeStatus.COMPLETED) {
                        completed.add(unfinished.id() + ":" + node.nodeId());
                    }
                }
            }
        }
        return completed;
    }

    @Test
    void killedSeveralTimesEveryAcknowledgedExecutionFinishesAndNoCompletedNodeRunsTwice() throws Exception {
        Random random = new Random(2026);
        Map<String, Integer> accepted = new HashMap<>();
        Map<Integer, Set<String>> completedAtKill = new HashMap<>();

        for (int round = 1; round <= KILLED_ROUNDS; round++) {
            Worker worker = round == 1 ? spawn(round, "start", Integer.toString(EXECUTIONS)) : spawn(round, "resume");
            int before = CrashWorker.effects(dir).size();
            int progress = 5 + random.nextInt(25);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> CrashWorker.effects(dir).size() >= before + progress || !worker.process.isAlive());
            worker.process.destroyForcibly(); // SIGKILL
            assertThat(worker.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            accepted.putAll(worker.accepted);
            completedAtKill.put(round, completedInStore());
        }
        Worker last = spawn(KILLED_ROUNDS + 1, "resume");
        assertThat(last.process.waitFor(120, TimeUnit.SECONDS)).as("the last round finishes").isTrue();
        assertThat(last.process.exitValue()).isZero();
        assertThat(last.allDone).isTrue();

        assertThat(accepted).as("executions acknowledged before the first kill").isNotEmpty();
        List<String> effects = CrashWorker.effects(dir);
        try (JdbcExecutionStore store = new JdbcExecutionStore(settings())) {
            assertThat(store.unfinished()).isEmpty();
            for (Map.Entry<String, Integer> execution : accepted.entrySet()) {
                ExecutionResult result = store.find(execution.getKey()).orElseThrow();
                int n = execution.getValue();
                assertThat(result.status()).as("execution %s", execution.getKey()).isEqualTo(ExecutionStatus.COMPLETED);
                assertThat(result.requireNode("total").output().path("double").asInt(-1))
                        .as("total of execution %s (n=%d): %s; nodes %s", execution.getKey(), n, result.requireNode("total").output(),
                                result.nodes())
                        .isEqualTo(2 * n);
                assertThat(result.requireNode("total").output().get("even").asBoolean()).isEqualTo(n % 2 == 0);
                assertThat(result.requireNode("even").status()).isEqualTo(n % 2 == 0 ? NodeStatus.COMPLETED : NodeStatus.SKIPPED);
                for (String node : n % 2 == 0 ? List.of("a", "b", "even") : List.of("a", "b")) {
                    assertThat(effects).as("side effect of %s:%s", execution.getKey(), node).contains(execution.getKey() + ":" + node
                            + " " + effects.stream().filter(e -> e.startsWith(execution.getKey() + ":" + node + " "))
                            .map(e -> e.substring(e.lastIndexOf(' ') + 1)).findFirst().orElse("?"));
                }
            }
        }
        long rerun = effects.stream().map(e -> e.substring(0, e.lastIndexOf(' '))).distinct().count();
        System.out.printf("crash test (" + getClass().getSimpleName() + "): %d executions acknowledged, %d side effects for %d nodes, completed at each kill %s%n",
                accepted.size(), effects.size(), rerun, completedAtKill.values().stream().map(Set::size).toList());
        // A node the store held as completed when a round was killed never ran in a later round.
        for (String effect : effects) {
            String key = effect.substring(0, effect.lastIndexOf(' '));
            int round = Integer.parseInt(effect.substring(effect.lastIndexOf(' ') + 1));
            for (int killed = 1; killed < round; killed++) {
                assertThat(completedAtKill.get(killed)).as("%s ran in round %d though completed by round %d", key, round, killed)
                        .doesNotContain(key);
            }
        }
    }
}
