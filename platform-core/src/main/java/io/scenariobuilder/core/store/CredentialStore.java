package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** Gives the decrypted credentials of a stored connection to the node that uses it, for one call. */
public interface CredentialStore {

    /**
     * What a node gets of a connection.
     *
     * @param values the decrypted credential values
     * @param allowedHosts the host patterns the credentials may be sent to, or {@code null} when the connection sets none
     */
    record Credentials(JsonNode values, List<String> allowedHosts) {
        public Credentials {
            allowedHosts = allowedHosts == null ? null : List.copyOf(allowedHosts);
        }
    }

    /**
     * The credentials of connection {@code connectionId} when it is a connection of integration {@code integrationId};
     * empty when there is no such connection, or it belongs to another integration (a node may use only a connection
     * of its own integration).
     */
    Optional<Credentials> credentials(String connectionId, String integrationId);

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
