package io.scenariobuilder.core.integration;

import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.fields.FieldDependencyException;
import io.scenariobuilder.core.fields.FieldGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The integrations the platform can run now.
 *
 * <p>Readers see an immutable snapshot that writers replace as a whole, so an execution compiled at the same moment
 * as a plugin install or upgrade sees either all of the plugin's integrations or none: never half of it. Writes are
 * rare (plugin install, upgrade, removal) and serialised.
 *
 * <p>{@link #register} returns a handle whose {@link Registration#close()} removes exactly what it added, which is how
 * a plugin's integrations leave when it is unloaded.
 */
public final class IntegrationRegistry {

    private volatile Snapshot snapshot = new Snapshot(Map.of(), 0);
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Snapshot(Map<String, RegisteredIntegration> byId, long generation) {
    }

    /**
     * An installed integration with the class loader its calls run under, the usage of its plugin, and the dependency
     * graph of each action's fields (by action id).
     */
    public record RegisteredIntegration(IntegrationManifest manifest, ClassLoader classLoader, String pluginId, PluginUsage usage,
            Map<String, FieldGraph> fieldGraphs) {
        public RegisteredIntegration {
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(classLoader, "classLoader");
            Objects.requireNonNull(pluginId, "pluginId");
            Objects.requireNonNull(usage, "usage");
            fieldGraphs = Map.copyOf(fieldGraphs);
        }

        /**
         * Registers {@code manifest}, building its actions' field graphs.
         *
         * @throws FieldDependencyException naming the integration, action and fields when an action's fields cannot resolve
         */
        public RegisteredIntegration(IntegrationManifest manifest, ClassLoader classLoader, String pluginId, PluginUsage usage) {
            this(manifest, classLoader, pluginId, usage, graphs(manifest));
        }

        private static Map<String, FieldGraph> graphs(IntegrationManifest manifest) {
            Map<String, FieldGraph> graphs = new HashMap<>();
            for (ActionDefinition action : manifest.actions()) {
                try {
                    graphs.put(action.id(), FieldGraph.of(action));
                } catch (FieldDependencyException e) {
                    throw new FieldDependencyException("integration '" + manifest.id() + "', " + e.getMessage());
                }
            }
            return graphs;
        }

        /** The field graph of one of its actions. */
        public FieldGraph fieldGraph(String actionId) {
            FieldGraph graph = fieldGraphs.get(actionId);
            if (graph == null) {
                throw new IllegalArgumentException("integration '" + id() + "' has no action '" + actionId + "'");
            }
            return graph;
        }

        /** The integration id. */
        public String id() {
            return manifest.id();
        }
    }

    /** One action of an installed integration. */
    public record RegisteredAction(RegisteredIntegration integration, ActionDefinition definition) {
    }

    /** Removes what its registration added; idempotent. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Adds one integration of a plugin that needs no lifecycle (built-ins in tests, benchmarks).
     *
     * @throws IntegrationConflictException when an integration with that id is registered already
     */
    public Registration register(IntegrationManifest manifest, ClassLoader classLoader, String pluginId) {
        return registerPlugin(pluginId, List.of(manifest), classLoader, new PluginUsage(pluginId, manifest.version()));
    }

    /**
     * Registers every integration of one plugin version at once, replacing those the same plugin id registered
     * before (an upgrade) in the same step.
     *
     * @throws IntegrationConflictException when another plugin provides one of the ids; nothing changes then
     * @throws FieldDependencyException when an action's fields cannot resolve (a cycle, an unknown dependency); nothing
     *     changes then
     */
    public synchronized Registration registerPlugin(String pluginId, List<IntegrationManifest> manifests, ClassLoader classLoader,
            PluginUsage usage) {
        Map<String, RegisteredIntegration> next = new HashMap<>(snapshot.byId());
        next.values().removeIf(entry -> entry.pluginId().equals(pluginId));
        List<RegisteredIntegration> added = new ArrayList<>();
        for (IntegrationManifest manifest : manifests) {
            RegisteredIntegration existing = next.get(manifest.id());
            if (existing != null) {
                throw new IntegrationConflictException("integration '" + manifest.id() + "' is already provided by plugin '"
                        + existing.pluginId() + "'");
            }
            RegisteredIntegration entry = new RegisteredIntegration(manifest, classLoader, pluginId, usage);
            next.put(manifest.id(), entry);
            added.add(entry);
        }
        snapshot = new Snapshot(Map.copyOf(next), snapshot.generation() + 1);
        changed();
        return () -> remove(added);
    }

    /** Runs {@code listener} after every change (on the changing thread): for caches of what is installed. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    private synchronized void remove(List<RegisteredIntegration> entries) {
        Map<String, RegisteredIntegration> next = new HashMap<>(snapshot.byId());
        boolean changed = false;
        for (RegisteredIntegration entry : entries) {
            changed |= next.remove(entry.id(), entry);
        }
        if (changed) {
            snapshot = new Snapshot(Map.copyOf(next), snapshot.generation() + 1);
            changed();
        }
    }

    /** The integration with this id, if installed. */
    public Optional<RegisteredIntegration> find(String integrationId) {
        return view().find(integrationId);
    }

    /** The action, if its integration is installed and has it. */
    public Optional<RegisteredAction> action(String integrationId, String actionId) {
        return view().action(integrationId, actionId);
    }

    /** Every installed integration, by id. */
    public List<RegisteredIntegration> all() {
        return view().all();
    }

    /** Changes whenever integrations are added or removed; compiled scenarios are cached per generation. */
    public long generation() {
        return snapshot.generation();
    }

    /** What is installed now, unchanging: use one view for a series of look-ups that must agree. */
    public View view() {
        Snapshot current = snapshot;
        return new View(current.byId(), current.generation());
    }

    /** An immutable picture of the registry. */
    public record View(Map<String, RegisteredIntegration> byId, long generation) {

        /** The integration with this id, if installed. */
        public Optional<RegisteredIntegration> find(String integrationId) {
            return Optional.ofNullable(byId.get(integrationId));
        }

        /** The action, if its integration is installed and has it. */
        public Optional<RegisteredAction> action(String integrationId, String actionId) {
            return find(integrationId).flatMap(integration ->
                    integration.manifest().action(actionId).map(definition -> new RegisteredAction(integration, definition)));
        }

        /** Every installed integration, by id. */
        public List<RegisteredIntegration> all() {
            List<RegisteredIntegration> all = new ArrayList<>(byId.values());
            all.sort(Comparator.comparing(RegisteredIntegration::id));
            return all;
        }
    }
}
