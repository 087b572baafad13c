package io.scenariobuilder.core.testing;

import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests on a fresh {@link PluginPlatform} each: plugins only from JARs, through the plugin service. */
public abstract class PluginPlatformTest {

    @TempDir
    protected Path work;

    protected PluginPlatform platform;
    protected PluginService plugins;
    protected IntegrationRegistry registry;
    protected ExecutionEngine engine;

    @BeforeEach
    void bootPlatform() {
        platform = new PluginPlatform(work);
        plugins = platform.plugins;
        registry = platform.registry;
        engine = platform.engine;
    }

    @AfterEach
    void closePlatform() {
        platform.close();
    }

    protected Scenario scenario(String json) {
        return platform.scenario(json);
    }
}
