package io.scenariobuilder.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.RunMarker;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: an execution whose node halts the JVM. Started, it takes the process down; resumed after the restart,
 * it takes it down again. At the next start it must not be resumed: it is failed as {@code crash_suspected}, and the
 * server lives. A retry by hand (here once the action is fixed) runs it again.
 */
class CrashLoopTest {

    static final String SCENARIO = """
            {"id": "poison", "nodes": [{"id": "halt", "integrationId": "poison", "actionId": "halt"}]}""";

    @TempDir
    Path dir;

    @Test
    void anExecutionRunningAtTwoUncleanStopsInARowIsFailedInsteadOfResumedAgain() throws Exception {
        assertThat(child("start").exitValue()).as("the poison node halts the JVM").isEqualTo(3);
        Process second = child("resume");
        assertThat(second.exitValue()).as("resumed after the first unclean stop, it halts the JVM again").isEqualTo(3);
        Process third = child("resume");
        String output = new String(third.getInputStream().readAllBytes());
        assertThat(third.exitValue()).as("the third start lives: " + output).isZero();
        assertThat(output).contains("resumed 0");

        try (JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir))) {
            ExecutionResult result = store.list(null, null, null, 10).items().stream()
                    .map(summary -> store.find(summary.id()).orElseThrow()).findFirst().orElseThrow();
            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.error().type()).isEqualTo(ErrorType.CRASH_SUSPECTED);
            assertThat(result.error().message()).contains("running at each of the last 2 unclean stops", "node 'halt'", "/retry");
            assertThat(store.unfinished()).isEmpty();

            // Retried by hand with a fixed plugin, it completes.
            Engine engine = engine(store, false);
            ExecutionHandle retried = engine.engine().retry(result.id());
            assertThat(retried.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.COMPLETED);
            engine.engine().close();
        }
    }

    @Test
    void aCleanStopIsNotCounted() throws Exception {
        assertThat(RunMarker.begin(dir)).isFalse();
        RunMarker.end(dir);
        assertThat(RunMarker.begin(dir)).as("after a clean stop").isFalse();
        assertThat(RunMarker.begin(dir)).as("the marker left by a run that did not end").isTrue();
    }

    private Process child(String mode) throws Exception {
        Process process = new ProcessBuilder(ChildJvm.command(List.of("--enable-native-access=ALL-UNNAMED",
                "-Dguice_custom_class_loading=CHILD", "-Xmx256m"), Worker.class, dir.toString(), mode))
                .redirectError(dir.resolve("worker-" + mode + "-" + System.nanoTime() + ".err").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process;
    }

    record Engine(ExecutionEngine engine, ScenarioParser parser) {
    }

    /** An engine on {@code store} whose {@code poison.halt} halts the JVM, or (fixed) completes. */
    static Engine engine(ExecutionStore store, boolean poisoned) {
        Injector injector = Engines.injector(Modules.override(new EngineModule(EngineSettings.defaults()))
                .with(binder -> binder.bind(ExecutionStore.class).toInstance(store)));
        NodeExecutor halt = context -> {
            if (poisoned) {
                Runtime.getRuntime().halt(3);
            }
            return ActionResult.of(context.input());
        };
        injector.getInstance(IntegrationRegistry.class).register(new IntegrationManifest("poison", "Poison", "1.0.0", "halts the JVM",
                null, null, List.of(ActionDefinition.builder("halt", halt).build())), CrashLoopTest.class.getClassLoader(), "poison");
        return new Engine(injector.getInstance(ExecutionEngine.class), injector.getInstance(ScenarioParser.class));
    }

    /** The child process: {@code start} runs the poison scenario; {@code resume} starts as a server does. */
    public static final class Worker {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Files.createDirectories(dir);
            JdbcExecutionStore store = new JdbcExecutionStore(StoreSettings.embedded(dir));
            Engine engine = engine(store, true);
            boolean unclean = RunMarker.begin(dir);
            List<CompletableFuture<?>> running = new ArrayList<>();
            if (args[1].equals("start")) {
                running.add(engine.engine().start(engine.parser().parseOrThrow(SCENARIO, "poison"), new ObjectMapper().createObjectNode())
                        .completion().toCompletableFuture());
            } else {
                List<ExecutionHandle> resumed = engine.engine().resumeUnfinished(unclean);
                System.out.println("resumed " + resumed.size());
                resumed.forEach(handle -> running.add(handle.completion().toCompletableFuture()));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
            engine.engine().close();
            store.close();
            RunMarker.end(dir);
            System.exit(0);
        }
    }
}
