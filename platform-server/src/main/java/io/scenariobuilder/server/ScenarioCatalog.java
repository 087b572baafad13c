package io.scenariobuilder.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionHandle;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.integration.PluginRetiredException;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.scenario.Trigger;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The current version of every saved scenario, in memory, and the webhook paths they listen on: manual and webhook
 * triggers start executions without a store read (the store is the truth; this follows every change made through
 * this server). One server per database: a second server would not see this one's changes until it restarts.
 */
public final class ScenarioCatalog {

    private final Map<String, Scenario> byId = new ConcurrentHashMap<>();
    private final Map<String, CompiledScenario> compiled = new ConcurrentHashMap<>();
    private final ExecutionEngine engine;
    private final ScenarioValidator validator;
    private final Map<String, String> webhookPaths = new ConcurrentHashMap<>();
    private final List<Consumer<Scenario>> onPut = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> onRemove = new CopyOnWriteArrayList<>();

    @Inject
    public ScenarioCatalog(ExecutionEngine engine, ScenarioValidator validator) {
        this.engine = engine;
        this.validator = validator;
    }

    /**
     * Starts an execution of a saved scenario, compiled once per version: no per-request look-up keyed by the whole
     * scenario. When a plugin it uses was upgraded or removed since, it compiles again (and fails with the reason if
     * it no longer can).
     *
     * @param trace the trace it runs in (from the caller's {@code traceparent}, or new)
     */
    public ExecutionHandle start(Scenario scenario, JsonNode triggerData, TraceContext trace) {
        CompiledScenario ready = compiled.get(scenario.id());
        if (ready != null && ready.scenario() == scenario) {
            try {
                return engine.start(ready, triggerData, trace);
            } catch (PluginRetiredException e) {
                compiled.remove(scenario.id(), ready);
            }
        }
        CompiledScenario fresh = validator.compile(scenario);
        if (byId.get(scenario.id()) == scenario) {
            compiled.put(scenario.id(), fresh);
        }
        try {
            return engine.start(fresh, triggerData, trace);
        } catch (PluginRetiredException e) {
            return engine.start(scenario, triggerData, trace); // a plugin changed in between: the engine compiles again
        }
    }

    /** Loads every saved scenario. Blocking. */
    public void load(JdbcScenarioStore store) {
        String cursor = null;
        do {
            JdbcScenarioStore.Page page = store.list(cursor, 500);
            page.items().forEach(stored -> put(stored.scenario()));
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    public Optional<Scenario> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Scenario> all() {
        return List.copyOf(byId.values());
    }

    /** The scenario listening on a webhook path. */
    public Optional<Scenario> byWebhookPath(String path) {
        String id = webhookPaths.get(normalise(path));
        return id == null ? Optional.empty() : find(id);
    }

    /** The id of another scenario already listening on this scenario's webhook path, if any. */
    public Optional<String> webhookClash(Scenario scenario) {
        if (!(scenario.trigger() instanceof Trigger.Webhook hook)) {
            return Optional.empty();
        }
        String owner = webhookPaths.get(normalise(hook.path()));
        return owner == null || owner.equals(scenario.id()) ? Optional.empty() : Optional.of(owner);
    }

    public void put(Scenario scenario) {
        Scenario previous = byId.put(scenario.id(), scenario);
        compiled.remove(scenario.id());
        if (previous != null && previous.trigger() instanceof Trigger.Webhook old) {
            webhookPaths.remove(normalise(old.path()), scenario.id());
        }
        if (scenario.trigger() instanceof Trigger.Webhook hook) {
            webhookPaths.put(normalise(hook.path()), scenario.id());
        }
        onPut.forEach(listener -> listener.accept(scenario));
    }

    public void remove(String id) {
        Scenario previous = byId.remove(id);
        compiled.remove(id);
        if (previous != null && previous.trigger() instanceof Trigger.Webhook old) {
            webhookPaths.remove(normalise(old.path()), id);
        }
        onRemove.forEach(listener -> listener.accept(id));
    }

    /** Hears saved and deleted scenarios (the scheduler). */
    public void listen(Consumer<Scenario> saved, Consumer<String> deleted) {
        onPut.add(saved);
        onRemove.add(deleted);
    }

    static String normalise(String path) {
        String p = path.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
