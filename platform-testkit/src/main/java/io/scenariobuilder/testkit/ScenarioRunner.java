package io.scenariobuilder.testkit;

import com.google.inject.Injector;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.InMemoryCredentialStore;
import io.scenariobuilder.plugins.core.CoreIntegration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real engine in-process, for running small scenarios against an integration in a test: with the
 * integration's classes directly ({@link #withIntegrations}) or with its built plugin JAR loaded by PF4J as the
 * server would ({@link #install}). The built-in {@code core} nodes are always there.
 *
 * <pre>{@code
 * try (ScenarioRunner runner = ScenarioRunner.withIntegrations(new AcmeIntegration())) {
 *     ExecutionResult result = runner.run("""
 *             {"nodes": [{"id": "find", "integrationId": "acme", "actionId": "find-contact",
 *                         "configuration": {"email": "{{ trigger.email }}"}}]}""", "{\"email\": \"ada@example.com\"}");
 *     assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
 * }
 * }</pre>
 */
public final class ScenarioRunner implements AutoCloseable {

    private final Injector injector;
    private final ExecutionEngine engine;
    private final PluginService plugins;
    private Duration timeout = Duration.ofSeconds(60);

    private ScenarioRunner() {
        injector = Engines.injector(new EngineModule(new EngineSettings(2, 1_000, null)));
        engine = injector.getInstance(ExecutionEngine.class);
        plugins = injector.getInstance(PluginService.class);
        injector.getInstance(IntegrationRegistry.class)
                .register(new CoreIntegration().manifest(), CoreIntegration.class.getClassLoader(), "core");
    }

    /** An engine with these integrations registered from the class path, plus {@code core}. */
    public static ScenarioRunner withIntegrations(Integration... integrations) {
        ScenarioRunner runner = new ScenarioRunner();
        IntegrationRegistry registry = runner.injector.getInstance(IntegrationRegistry.class);
        for (Integration integration : integrations) {
            registry.register(integration.manifest(), integration.getClass().getClassLoader(), "test:" + integration.manifest().id());
        }
        return runner;
    }

    /** Installs a built plugin JAR through PF4J, in its own class loader, as the server does. */
    public PluginService.InstalledPlugin install(Path pluginJar) {
        return plugins.install(pluginJar);
    }

    /** Stores a connection's credentials for nodes that name it in {@code connectionId}. */
    public ScenarioRunner connection(String connectionId, String credentialsJson) {
        injector.getInstance(InMemoryCredentialStore.class).put(connectionId, ActionTester.parse(credentialsJson));
        return this;
    }

    /** How long {@link #run} waits for an execution (default 60 s). */
    public ScenarioRunner timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Runs a scenario with {@code {}} as trigger data. */
    public ExecutionResult run(String scenarioJson) throws Exception {
        return run(scenarioJson, "{}");
    }

    /**
     * Validates and runs a scenario, returning its result.
     *
     * @throws io.scenariobuilder.core.scenario.InvalidScenarioException with every problem when it is not valid
     */
    public ExecutionResult run(String scenarioJson, String triggerJson) throws Exception {
        ScenarioValidator.Validation validation = injector.getInstance(ScenarioValidator.class).validate(scenarioJson, "test");
        if (!validation.valid()) {
            throw new io.scenariobuilder.core.scenario.InvalidScenarioException(validation.problems());
        }
        return engine.start(validation.compiled(), ActionTester.parse(triggerJson)).completion().toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The log lines of an execution. */
    public List<LogEntry> logs(String executionId) {
        return injector.getInstance(ExecutionStore.class).logs(executionId);
    }

    /** The engine, for pause, resume and cancel. */
    public ExecutionEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
        plugins.close();
    }
}
