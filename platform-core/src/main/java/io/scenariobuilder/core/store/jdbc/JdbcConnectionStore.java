package io.scenariobuilder.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.secret.SecretBox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Stored connections: an integration's credentials, sealed with AES-GCM (see {@link SecretBox}) so that the
 * database never holds them in clear. The engine gets them decrypted, for one call, through {@link CredentialStore}.
 */
public final class JdbcConnectionStore implements CredentialStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a credential value shows as anywhere outside the engine. */
    public static final String MASK = "********";

    private final DataSource database;
    private final SecretBox secrets;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A stored connection.
     *
     * @param credentials the credentials, decrypted; {@link #masked()} for anything shown to people
     * @param allowedHosts the host patterns the credentials may be sent to, or {@code null} when none is set
     * @param createdBy the id of the API key that created it, or {@code null} (made before owners were kept)
     */
    public record StoredConnection(String id, String integrationId, String name, JsonNode credentials, List<String> allowedHosts,
            String createdBy, Instant createdAt, Instant updatedAt) {
        public StoredConnection {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(integrationId, "integrationId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(credentials, "credentials");
            allowedHosts = allowedHosts == null ? null : List.copyOf(allowedHosts);
        }

        /** The same connection with every credential value replaced by {@value JdbcConnectionStore#MASK}. */
        public StoredConnection masked() {
            return masked(field -> true);
        }

        /** The same connection with the values of the {@code secret} credential fields replaced by {@value JdbcConnectionStore#MASK}. */
        public StoredConnection masked(Predicate<String> secret) {
            ObjectNode masked = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = credentials.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (secret.test(entry.getKey())) {
                    masked.put(entry.getKey(), MASK);
                } else {
                    masked.set(entry.getKey(), entry.getValue());
                }
            }
            return new StoredConnection(id, integrationId, name, masked, allowedHosts, createdBy, createdAt, updatedAt);
        }
    }

    public JdbcConnectionStore(DataSource database, SecretBox secrets, Clock clock) {
        this.database = database;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Creates or replaces a connection with no allowed hosts and no owner (tests). */
    public StoredConnection put(String id, String integrationId, String name, JsonNode credentials) {
        return put(id, integrationId, name, credentials, null, null);
    }

    /**
     * Creates or replaces a connection; on replace its creation time and creator are kept.
     *
     * @param allowedHosts the host patterns its credentials may be sent to, or {@code null} for none set
     * @param createdBy the id of the API key creating it (ignored on replace)
     */
    public StoredConnection put(String id, String integrationId, String name, JsonNode credentials, List<String> allowedHosts,
            String createdBy) {
        if (!credentials.isObject()) {
            throw new IllegalArgumentException("credentials must be an object of field names to values");
        }
        Instant now = clock.instant();
        String sealed = secrets.seal(credentials.toString(), "connection " + id);
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO connections "
                        + "(id, integration_id, name, credentials, created_at, updated_at, allowed_hosts, created_by) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET integration_id = excluded.integration_id, name = excluded.name, "
                        + "credentials = excluded.credentials, updated_at = excluded.updated_at, allowed_hosts = excluded.allowed_hosts")) {
            st.setString(1, id);
            st.setString(2, integrationId);
            st.setString(3, JdbcExecutionStore.storable(name));
            st.setString(4, sealed);
            st.setLong(5, now.toEpochMilli());
            st.setLong(6, now.toEpochMilli());
            st.setString(7, allowedHosts == null ? null : JSON.valueToTree(allowedHosts).toString());
            st.setString(8, createdBy);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store connection " + id + ": " + e.getMessage(), e);
        }
        changed(id);
        return get(id).orElseThrow();
    }

    /** A connection with its credentials decrypted. */
    public Optional<StoredConnection> get(String id) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "SELECT id, integration_id, name, credentials, created_at, updated_at, allowed_hosts, created_by FROM connections WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read connection " + id + ": " + e.getMessage(), e);
        }
    }

    /** Every connection, every credential masked, by id. */
    public List<StoredConnection> list() {
        return list(integrationId -> field -> true);
    }

    /**
     * Every connection by id, masked: {@code secretOf} gives, for an integration id, which of its credential fields to
     * mask (asked once per connection).
     */
    public List<StoredConnection> list(Function<String, Predicate<String>> secretOf) {
        List<StoredConnection> all = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "SELECT id, integration_id, name, credentials, created_at, updated_at, allowed_hosts, created_by FROM connections ORDER BY id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                StoredConnection read = read(rs);
                all.add(read.masked(secretOf.apply(read.integrationId())));
            }
            return all;
        } catch (SQLException e) {
            throw new StoreException("cannot list connections: " + e.getMessage(), e);
        }
    }

    /** Deletes a connection; false when there was none. */
    public boolean delete(String id) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM connections WHERE id = ?")) {
            st.setString(1, id);
            boolean deleted = st.executeUpdate() > 0;
            if (deleted) {
                changed(id);
            }
            return deleted;
        } catch (SQLException e) {
            throw new StoreException("cannot delete connection " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Credentials> credentials(String connectionId, String integrationId) {
        return get(connectionId).filter(found -> found.integrationId().equals(integrationId))
                .map(found -> new Credentials(found.credentials(), found.allowedHosts()));
    }

    @Override
    public Optional<String> integrationOf(String connectionId) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT integration_id FROM connections WHERE id = ?")) {
            st.setString(1, connectionId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read connection " + connectionId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void changed(String id) {
        listeners.forEach(listener -> listener.accept(id));
    }

    private StoredConnection read(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        JsonNode credentials;
        try {
            credentials = JSON.readTree(secrets.open(rs.getString(4), "connection " + id));
        } catch (JsonProcessingException e) {
            throw new StoreException("the credentials of connection " + id + " are damaged", e);
        }
        String hosts = rs.getString(7);
        List<String> allowedHosts = null;
        if (hosts != null) {
            try {
                allowedHosts = List.of(JSON.readValue(hosts, String[].class));
            } catch (JsonProcessingException e) {
                throw new StoreException("the allowed hosts of connection " + id + " are damaged", e);
            }
        }
        return new StoredConnection(id, rs.getString(2), rs.getString(3), credentials, allowedHosts, rs.getString(8),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)));
    }
}
