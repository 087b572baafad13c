package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Gives the decrypted credentials of a stored connection to the node that uses it, for one call. */
public interface CredentialStore {

    /** The credentials of connection {@code connectionId}, if it exists. */
    Optional<JsonNode> credentials(String connectionId);

    /** The integration connection {@code connectionId} belongs to, when the store records it and the connection exists. */
    default Optional<String> integrationOf(String connectionId) {
        return Optional.empty();
    }

    /**
     * Calls {@code listener} with a connection's id after it is created, replaced or deleted (caches of what a
     * connection gives, such as fetched field options, drop their entries).
     */
    default void onChange(java.util.function.Consumer<String> listener) {
    }
}
