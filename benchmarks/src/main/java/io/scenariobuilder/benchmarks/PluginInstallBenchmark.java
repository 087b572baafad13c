package io.scenariobuilder.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Plugin hot install: from a 1 MB plugin JAR on disk to its action having run once (validate, copy, load, start,
 * register, compile a scenario, execute), and 50 install/run/remove cycles in a row.
 */
@State(Scope.Benchmark)
public class PluginInstallBenchmark {

    private Injector injector;
    private PluginService plugins;
    private ExecutionEngine engine;
    private Scenario scenario;
    private JsonNode trigger;
    private Path jar;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        jar = oneMegabytePlugin(Path.of("benchmarks", "target", "bench-plugins", "lib-b.jar"));
        injector = Engines.injector(new EngineModule(EngineSettings.defaults()));
        plugins = injector.getInstance(PluginService.class);
        engine = injector.getInstance(ExecutionEngine.class);
        scenario = injector.getInstance(ScenarioParser.class).parseOrThrow("""
                {"nodes": [{"id": "probe", "integrationId": "lib-b", "actionId": "probe"}]}""", "bench");
        trigger = new ObjectMapper().createObjectNode();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        plugins.close();
        Files.deleteIfExists(jar);
    }

    /** lib-b.jar (commons-lang3 3.18.0 bundled, 414 classes) padded with incompressible bytes to about 1 MB. */
    static Path oneMegabytePlugin(Path source) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException(source.toAbsolutePath() + " is missing: run ./bench from the project root");
        }
        Path target = Files.createTempFile("bench-plugin-", ".jar");
        try (JarFile in = new JarFile(source.toFile());
                OutputStream file = Files.newOutputStream(target);
                JarOutputStream out = new JarOutputStream(file, in.getManifest())) {
            for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            long missing = 1_048_576 - Files.size(source);
            if (missing > 0) {
                byte[] padding = new byte[(int) missing];
                new Random(1).nextBytes(padding);
                out.putNextEntry(new JarEntry("padding.bin"));
                out.write(padding);
                out.closeEntry();
            }
        }
        return target;
    }

    private ExecutionResult installAndRun() throws Exception {
        plugins.install(jar);
        ExecutionResult result = engine.executeScenario(scenario, trigger).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (result.status() != ExecutionStatus.COMPLETED) {
            throw new IllegalStateException("the plugin's action did not run: " + result);
        }
        return result;
    }

    @TearDown(Level.Invocation)
    public void removeIfInstalled() {
        if (plugins.find("lib-b").isPresent()) {
            plugins.remove("lib-b", false);
        }
    }

    /** Upload to runnable: install the 1 MB JAR and run its action once (removal is outside the timing). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ExecutionResult installToFirstRun() throws Exception {
        return installAndRun();
    }

    /** 50 cycles of install, run, remove. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int fiftyCycles() throws Exception {
        for (int i = 0; i < 50; i++) {
            installAndRun();
            plugins.remove("lib-b", false);
        }
        return 50;
    }
}
