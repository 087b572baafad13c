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

    private final Map<String, JsonNode> byId = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Adds or replaces a connection's credentials. */
    public void put(String connectionId, JsonNode credentials) {
        byId.put(connectionId, credentials.deepCopy());
        listeners.forEach(listener -> listener.accept(connectionId));
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
    public Optional<JsonNode> credentials(String connectionId) {
        JsonNode credentials = byId.get(connectionId);
        return Optional.ofNullable(credentials == null ? null : credentials.deepCopy());
    }
}
