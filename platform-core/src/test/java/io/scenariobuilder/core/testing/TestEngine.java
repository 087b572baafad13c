package io.scenariobuilder.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.util.concurrent.TimeUnit;

/** A real, Guice-wired engine with the {@code core} integration and the test integration installed. */
public final class TestEngine implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final Injector injector;
    public final ExecutionEngine engine;
    public final IntegrationRegistry registry;
    public final ScenarioValidator validator;
    public final ScenarioParser parser;
    public final ExecutionStore store;
    public final TestIntegration test = new TestIntegration();

    public TestEngine() {
        this(new EngineSettings(2, 10_000, 42L));
    }

    public TestEngine(EngineSettings settings) {
        this(new EngineModule(settings));
    }

    /** An engine wired by {@code module} (an {@link EngineModule}, possibly overridden). */
    public TestEngine(com.google.inject.Module module) {
        injector = Engines.injector(module);
        engine = injector.getInstance(ExecutionEngine.class);
        registry = injector.getInstance(IntegrationRegistry.class);
        validator = injector.getInstance(ScenarioValidator.class);
        parser = injector.getInstance(ScenarioParser.class);
        store = injector.getInstance(ExecutionStore.class);
        install(new CoreIntegration().manifest());
        install(test.manifest());
    }

    public void install(IntegrationManifest manifest) {
        registry.register(manifest, getClass().getClassLoader(), "test:" + manifest.id());
    }

    /** Parses a scenario (text blocks keep the JSON readable). */
    public Scenario scenario(String json) {
        return parser.parseOrThrow(json, "test");
    }

    public ExecutionHandle start(String json, String trigger) {
        return engine.start(scenario(json), json(trigger));
    }

    public ExecutionResult run(String json) {
        return run(json, "{}");
    }

    public ExecutionResult run(String json, String trigger) {
        return await(start(json, trigger));
    }

    public static ExecutionResult await(ExecutionHandle handle) {
        try {
            return handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("execution " + handle.executionId() + " did not finish", e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
