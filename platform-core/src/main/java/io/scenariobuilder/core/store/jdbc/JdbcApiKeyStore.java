package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * API keys: 256 random bits each, stored only as their SHA-256 (a fast hash is right for keys this random; a
 * password hash is for low-entropy secrets). The key itself is shown once, when created.
 */
public final class JdbcApiKeyStore {

    private final DataSource database;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** What a key may do. */
    public enum Role {
        /** Everything, plugins and keys included. */
        ADMIN,
        /** Scenarios, connections, executions. */
        EDITOR,
        /** Read only, logs included. */
        VIEWER;

        /** The wire name. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A stored key (never the key itself). */
    public record ApiKey(String id, String name, Role role, Instant createdAt) {
    }

    /** A key just created: {@code secret} is the only time the key is available. */
    public record CreatedKey(ApiKey key, String secret) {
    }

    public JdbcApiKeyStore(DataSource database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Creates a key with a random secret. */
    public CreatedKey create(String name, Role role) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return store(name, role, "sb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Stores a key given by the operator (e.g. {@code SB_ADMIN_KEY}); it must be at least 24 characters. */
    public CreatedKey createWithSecret(String name, Role role, String secret) {
        if (secret == null || secret.length() < 24) {
            throw new IllegalArgumentException("an API key must be at least 24 characters long");
        }
        return store(name, role, secret);
    }

    private CreatedKey store(String name, Role role, String secret) {
        byte[] idBytes = new byte[9];
        random.nextBytes(idBytes);
        ApiKey key = new ApiKey("key_" + HexFormat.of().formatHex(idBytes), name, role,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
            st.setString(1, key.id());
            st.setString(2, JdbcExecutionStore.storable(name));
            st.setString(3, role.id());
            st.setString(4, hash(secret));
            st.setLong(5, key.createdAt().toEpochMilli());
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store API key '" + name + "': " + e.getMessage(), e);
        }
        return new CreatedKey(key, secret);
    }

    /** The key a caller presented, if it is a stored one. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        String presentedHash = hash(presented);
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "SELECT id, name, role, created_at, key_hash FROM api_keys WHERE key_hash = ?")) {
            st.setString(1, presentedHash);
            try (ResultSet rs = st.executeQuery()) {
                // The look-up is by hash, so no secret is compared; the final check is constant-time all the same.
                if (rs.next() && MessageDigest.isEqual(rs.getString(5).getBytes(StandardCharsets.US_ASCII),
                        presentedHash.getBytes(StandardCharsets.US_ASCII))) {
                    return Optional.of(read(rs));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check an API key: " + e.getMessage(), e);
        }
    }

    /** Every key, by creation. */
    public List<ApiKey> list() {
        List<ApiKey> keys = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "SELECT id, name, role, created_at FROM api_keys ORDER BY created_at, name, id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                keys.add(read(rs));
            }
            return keys;
        } catch (SQLException e) {
            throw new StoreException("cannot list API keys: " + e.getMessage(), e);
        }
    }

    /** Deletes a key; false when there was none. */
    public boolean delete(String id) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
            st.setString(1, id);
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete API key " + id + ": " + e.getMessage(), e);
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                Instant.ofEpochMilli(rs.getLong(4)));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
