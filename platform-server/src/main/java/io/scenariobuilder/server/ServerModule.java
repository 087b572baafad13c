package io.scenariobuilder.server;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.plugin.PluginSettings;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.JdbcPluginRecordStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.store.secret.MasterKey;
import io.scenariobuilder.core.store.secret.SecretBox;
import io.scenariobuilder.server.config.ServerConfig;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Wires the server: the engine ({@link EngineModule}) over the durable store, with credentials from the encrypted
 * connection store and error scenarios from the scenario store.
 */
public final class ServerModule extends AbstractModule {

    private final ServerConfig config;
    private final CompletableFuture<JdbcExecutionStore> store;
    private final PlatformMetrics metrics;

    private ServerModule(ServerConfig config, CompletableFuture<JdbcExecutionStore> store, PlatformMetrics metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * The engine's module with the server's stores in place of the in-memory ones; the execution store is the one
     * {@code store} gives, opened meanwhile ({@link #openStore}): opening it (SQLite's native library, Flyway) and
     * wiring the rest (Guice) each take a few hundred milliseconds, and need not wait for each other. The store records
     * into {@code metrics}, the platform's one metric registry, made before both.
     */
    public static com.google.inject.Module of(ServerConfig config, CompletableFuture<JdbcExecutionStore> store,
            PlatformMetrics metrics) {
        EngineModule engine = new EngineModule(EngineSettings.defaults().withMaxRetryDelayMs(config.reliability().maxRetryDelay().toMillis()),
                pluginSettings(config), Clock.systemUTC());
        return Modules.override(engine).with(new ServerModule(config, store, metrics));
    }

    /** The plugin work folder, the JAR limits and, with {@code SB_PLUGIN_TRUST=signed}, the trusted certificates. */
    static PluginSettings pluginSettings(ServerConfig config) {
        var security = config.security();
        java.security.KeyStore trusted = null;
        if (security.pluginTrust().equals("signed")) {
            char[] password = security.pluginTrustStorePassword() == null ? null : security.pluginTrustStorePassword().toCharArray();
            try {
                trusted = java.security.KeyStore.getInstance(security.pluginTrustStore().toFile(), password);
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new ServerConfig.ConfigException("SB_PLUGIN_TRUSTSTORE " + security.pluginTrustStore() + " cannot be read as a "
                        + "PKCS#12 or JKS key store: " + e.getMessage());
            }
        }
        return new PluginSettings(config.dataDir().toAbsolutePath().resolve("plugin-work"), new PluginSettings.JarLimits(
                security.pluginMaxBytes(), security.pluginMaxUnpackedBytes(), security.pluginMaxEntries()), trusted);
    }

    /** Opens (and migrates) the execution store the configuration names. */
    public static JdbcExecutionStore openStore(ServerConfig config, PlatformMetrics metrics) {
        return new JdbcExecutionStore(storeSettings(config), metrics);
    }

    /** The store the configuration names: SQLite in the data folder, or the PostgreSQL of {@code SB_DB_URL}. */
    public static StoreSettings storeSettings(ServerConfig config) {
        StoreSettings settings = config.dbUrl() == null
                ? StoreSettings.embedded(config.dataDir())
                : new StoreSettings(config.dbUrl(), config.dbUser(), config.dbPassword(), config.fsync(), 1_000,
                        StoreSettings.DEFAULT_MAX_OUTPUT_BYTES);
        return settings.withFsync(config.fsync());
    }

    @Override
    protected void configure() {
        bind(ServerConfig.class).toInstance(config);
        bind(PlatformMetrics.class).toInstance(metrics);
        bind(MetricRegistry.class).toInstance(metrics.registry());
        bind(ScenarioCatalog.class).in(Singleton.class);
        bind(io.scenariobuilder.core.expression.ExpressionLimits.class).toInstance(io.scenariobuilder.core.expression.ExpressionLimits.of(
                config.security().expressionTimeout(), config.security().expressionMaxDepth(), config.security().expressionMaxBytes()));
        FieldOptions.Settings options = FieldOptions.Settings.defaults();
        bind(FieldOptions.Settings.class).toInstance(new FieldOptions.Settings(config.optionsTimeout(), options.checkWait(),
                config.optionsCacheSize(), options.maxOptions()));
    }

    @Provides
    @Singleton
    JdbcExecutionStore jdbcExecutionStore() {
        try {
            return store.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // the store's own error (StoreException), naming the database and what is wrong
            }
            throw e;
        }
    }

    @Provides
    @Singleton
    ExecutionStore executionStore(JdbcExecutionStore store) {
        return store;
    }

    @Provides
    @Singleton
    JdbcConnectionStore connectionStore(JdbcExecutionStore store, Clock clock) {
        SecretBox secrets = new SecretBox(MasterKey.load(config.masterKey(), config.dataDir().resolve("master.key")));
        return new JdbcConnectionStore(store.dataSource(), secrets, clock);
    }

    @Provides
    @Singleton
    CredentialStore credentialStore(JdbcConnectionStore connections) {
        return connections;
    }

    @Provides
    @Singleton
    JdbcScenarioStore scenarioStore(JdbcExecutionStore store, ScenarioParser parser, Clock clock) {
        return new JdbcScenarioStore(store.dataSource(), parser, clock);
    }

    @Provides
    @Singleton
    ScenarioSource scenarioSource(JdbcScenarioStore scenarios) {
        return scenarios;
    }

    @Provides
    @Singleton
    JdbcApiKeyStore apiKeyStore(JdbcExecutionStore store, Clock clock) {
        return new JdbcApiKeyStore(store.dataSource(), clock);
    }

    @Provides
    @Singleton
    JdbcPluginRecordStore pluginRecordStore(JdbcExecutionStore store, Clock clock) {
        return new JdbcPluginRecordStore(store.dataSource(), clock);
    }

    @Provides
    @Singleton
    JdbcScheduleStore scheduleStore(JdbcExecutionStore store) {
        return new JdbcScheduleStore(store.dataSource());
    }
}
