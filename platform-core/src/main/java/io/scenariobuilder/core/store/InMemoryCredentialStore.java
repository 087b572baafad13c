package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Credentials held in memory, for the CLI and tests. */
public final class InMemoryCredentialStore implements CredentialStore {

    private final Map<String, JsonNode> byId = new ConcurrentHashMap<>();

    /** Adds or replaces a connection's credentials. */
    public void put(String connectionId, JsonNode credentials) {
        byId.put(connectionId, credentials.deepCopy());
    }

    @Override
    public Optional<JsonNode> credentials(String connectionId) {
        JsonNode credentials = byId.get(connectionId);
        return Optional.ofNullable(credentials == null ? null : credentials.deepCopy());
    }
}
