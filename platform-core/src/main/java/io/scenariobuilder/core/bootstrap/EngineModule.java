package io.scenariobuilder.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionEvents;
import io.scenariobuilder.core.engine.ExecutionLog;
import com.codahale.metrics.MetricRegistry;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.error.CircuitBreakerSettings;
import io.scenariobuilder.core.error.CircuitBreakers;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.plugin.PluginSettings;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.InMemoryCredentialStore;
import io.scenariobuilder.core.store.InMemoryExecutionStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Wires the engine: registry, expressions, validator, runner, circuit breakers, a metric registry, and the in-memory
 * stores. The durable store replaces {@link ExecutionStore}'s binding with its own module; the server binds
 * {@link ScenarioSource} to its scenario store (error scenarios).
 */
public final class EngineModule extends AbstractModule {

    private final EngineSettings settings;
    private final PluginSettings pluginSettings;
    private final Clock clock;
    private final CircuitBreakerSettings breakerSettings;

    public EngineModule(EngineSettings settings) {
        this(settings, PluginSettings.temporary(), Clock.systemUTC());
    }

    public EngineModule(EngineSettings settings, PluginSettings pluginSettings, Clock clock) {
        this(settings, pluginSettings, clock, CircuitBreakerSettings.defaults());
    }

    private EngineModule(EngineSettings settings, PluginSettings pluginSettings, Clock clock, CircuitBreakerSettings breakers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pluginSettings = Objects.requireNonNull(pluginSettings, "pluginSettings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.breakerSettings = Objects.requireNonNull(breakers, "breakers");
    }

    /** This module with other circuit breaker settings. */
    public EngineModule withCircuitBreakers(CircuitBreakerSettings breakers) {
        return new EngineModule(settings, pluginSettings, clock, breakers);
    }

    @Override
    protected void configure() {
        bind(EngineSettings.class).toInstance(settings);
        bind(PluginSettings.class).toInstance(pluginSettings);
        bind(Clock.class).toInstance(clock);
        bind(CircuitBreakerSettings.class).toInstance(breakerSettings);
        bind(MetricRegistry.class).in(Singleton.class);
        bind(PlatformMetrics.class).in(Singleton.class);
        bind(EngineMetrics.class).in(Singleton.class);
        bind(ExecutionEvents.class).in(Singleton.class);
        bind(CircuitBreakers.class).in(Singleton.class);
        bind(ScenarioSource.class).toInstance(ScenarioSource.NONE);
        bind(IntegrationRegistry.class).in(Singleton.class);
        bind(io.scenariobuilder.core.expression.ExpressionLimits.class).toInstance(io.scenariobuilder.core.expression.ExpressionLimits.defaults());
        bind(ExpressionCompiler.class).in(Singleton.class);
        bind(ScenarioParser.class).in(Singleton.class);
        bind(ErrorClassifier.class).in(Singleton.class);
        bind(ScenarioValidator.class).in(Singleton.class);
        bind(ExecutionEngine.class).in(Singleton.class);
        bind(PluginService.class).in(Singleton.class);
        bind(FieldOptions.Settings.class).toInstance(FieldOptions.Settings.defaults());
        bind(FieldOptions.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    InMemoryExecutionStore inMemoryExecutionStore() {
        return new InMemoryExecutionStore(settings.maxRetainedExecutions());
    }

    @Provides
    @Singleton
    ExecutionStore executionStore(InMemoryExecutionStore store) {
        return store;
    }

    @Provides
    @Singleton
    InMemoryCredentialStore inMemoryCredentialStore() {
        return new InMemoryCredentialStore();
    }

    @Provides
    @Singleton
    CredentialStore credentialStore(InMemoryCredentialStore store) {
        return store;
    }

    @Provides
    @Singleton
    ExecutionLog executionLog(ExecutionStore store, Clock clock) {
        return new ExecutionLog(store, clock);
    }
}
