package io.scenariobuilder.core.testing;

import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.plugin.PluginSettings;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import java.nio.file.Path;
import java.time.Clock;

/** A Guice-wired engine with nothing installed: plugins come only from JARs, through the plugin service. */
public final class PluginPlatform implements AutoCloseable {

    public final Injector injector;
    public final PluginService plugins;
    public final IntegrationRegistry registry;
    public final ExecutionEngine engine;

    public PluginPlatform(Path workDir) {
        injector = Engines.injector(new EngineModule(EngineSettings.defaults(), new PluginSettings(workDir), Clock.systemUTC()));
        plugins = injector.getInstance(PluginService.class);
        registry = injector.getInstance(IntegrationRegistry.class);
        engine = injector.getInstance(ExecutionEngine.class);
    }

    public Scenario scenario(String json) {
        return injector.getInstance(ScenarioParser.class).parseOrThrow(json, "p");
    }

    @Override
    public void close() {
        engine.close();
        plugins.close();
    }
}
