package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Gives the decrypted credentials of a stored connection to the node that uses it, for one call. */
public interface CredentialStore {

    /** The credentials of connection {@code connectionId}, if it exists. */
    Optional<JsonNode> credentials(String connectionId);
}
