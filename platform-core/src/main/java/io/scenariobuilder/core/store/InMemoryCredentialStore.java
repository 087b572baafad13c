package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Credentials held in memory, for the CLI and tests. */
public final class InMemoryCredentialStore implements CredentialStore {

    private record Entry(String integrationId, JsonNode values, List<String> allowedHosts) {
    }

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Adds or replaces a connection of integration {@code integrationId}.
     *
     * @param allowedHosts the host patterns its credentials may go to, or {@code null} for none set
     */
    public void put(String connectionId, String integrationId, JsonNode credentials, List<String> allowedHosts) {
        byId.put(connectionId, new Entry(integrationId, credentials.deepCopy(), allowedHosts == null ? null : List.copyOf(allowedHosts)));
        listeners.forEach(listener -> listener.accept(connectionId));
    }

    /**
     * Adds or replaces a connection that any integration may use, sent to any host (tests and the in-process runner of
     * a plugin's own tests, where one person holds every credential).
     */
    public void put(String connectionId, JsonNode credentials) {
        put(connectionId, null, credentials, List.of("*"));
    }

    /** Deletes a connection. */
    public void delete(String connectionId) {
        byId.remove(connectionId);
        listeners.forEach(listener -> listener.accept(connectionId));
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public Optional<Credentials> credentials(String connectionId, String integrationId) {
        Entry entry = byId.get(connectionId);
        if (entry == null || (entry.integrationId() != null && !entry.integrationId().equals(integrationId))) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(entry.values().deepCopy(), entry.allowedHosts()));
    }

    @Override
    public Optional<String> integrationOf(String connectionId) {
        Entry entry = byId.get(connectionId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.integrationId());
    }
}
