package io.scenariobuilder.core.integration;

import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The integrations the platform can run now. {@link #register} returns a handle whose {@link Registration#close()}
 * removes exactly that entry, which is how a plugin's integrations leave when it is unloaded.
 */
public final class IntegrationRegistry {

    private final ConcurrentHashMap<String, RegisteredIntegration> byId = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** An installed integration with the class loader its calls run under. */
    public record RegisteredIntegration(IntegrationManifest manifest, ClassLoader classLoader, String pluginId) {
        public RegisteredIntegration {
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(classLoader, "classLoader");
            Objects.requireNonNull(pluginId, "pluginId");
        }

        /** The integration id. */
        public String id() {
            return manifest.id();
        }
    }

    /** One action of an installed integration. */
    public record RegisteredAction(RegisteredIntegration integration, ActionDefinition definition) {
    }

    /** Removes its entry from the registry; idempotent. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Adds an integration.
     *
     * @throws IntegrationConflictException when an integration with that id is registered already
     */
    public Registration register(IntegrationManifest manifest, ClassLoader classLoader, String pluginId) {
        RegisteredIntegration entry = new RegisteredIntegration(manifest, classLoader, pluginId);
        RegisteredIntegration existing = byId.putIfAbsent(manifest.id(), entry);
        if (existing != null) {
            throw new IntegrationConflictException("integration '" + manifest.id() + "' is already provided by plugin '"
                    + existing.pluginId() + "'");
        }
        generation.incrementAndGet();
        return () -> {
            if (byId.remove(manifest.id(), entry)) {
                generation.incrementAndGet();
            }
        };
    }

    /** The integration with this id, if installed. */
    public Optional<RegisteredIntegration> find(String integrationId) {
        return Optional.ofNullable(byId.get(integrationId));
    }

    /** The action, if its integration is installed and has it. */
    public Optional<RegisteredAction> action(String integrationId, String actionId) {
        RegisteredIntegration integration = byId.get(integrationId);
        if (integration == null) {
            return Optional.empty();
        }
        return integration.manifest().action(actionId).map(definition -> new RegisteredAction(integration, definition));
    }

    /** Every installed integration, by id. */
    public List<RegisteredIntegration> all() {
        List<RegisteredIntegration> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(RegisteredIntegration::id));
        return all;
    }

    /** Changes whenever an integration is added or removed; compiled scenarios are cached per generation. */
    public long generation() {
        return generation.get();
    }
}
