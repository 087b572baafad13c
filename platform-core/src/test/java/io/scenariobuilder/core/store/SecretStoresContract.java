package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.store.secret.MasterKey;
import io.scenariobuilder.core.store.secret.SecretBox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections (encrypted) and API keys (hashed), on each durable database. */
abstract class SecretStoresContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<JdbcExecutionStore> opened = new ArrayList<>();

    protected abstract StoreSettings settings();

    private JdbcExecutionStore database() {
        if (opened.isEmpty()) {
            opened.add(new JdbcExecutionStore(settings()));
        }
        return opened.get(0);
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcExecutionStore::close);
    }

    private SecretKey key(int seed) {
        byte[] bytes = new byte[32];
        new java.util.Random(seed).nextBytes(bytes);
        return MasterKey.load(Base64.getEncoder().encodeToString(bytes), dir.resolve("unused.key"));
    }

    private String rawColumn(String sql) throws Exception {
        try (Connection connection = database().dataSource().getConnection(); Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void credentialsAreStoredSealedAndReadBackDecrypted() throws Exception {
        JdbcConnectionStore connections = new JdbcConnectionStore(database().dataSource(), new SecretBox(key(1)), Clock.systemUTC());
        var stored = connections.put("shop", "http", "Shop API", JSON.readTree("{\"token\": \"s3cret-token\", \"user\": \"ada\"}"));

        assertThat(stored.credentials().get("token").asText()).isEqualTo("s3cret-token");
        assertThat(connections.credentials("shop", "http").orElseThrow().values().get("user").asText()).isEqualTo("ada");
        String raw = rawColumn("SELECT credentials FROM connections WHERE id = 'shop'");
        assertThat(raw).startsWith("v1:").doesNotContain("s3cret").doesNotContain("ada");
        assertThat(connections.list()).singleElement().satisfies(c -> {
            assertThat(c.credentials().get("token").asText()).isEqualTo(JdbcConnectionStore.MASK);
            assertThat(c.name()).isEqualTo("Shop API");
        });

        var replaced = connections.put("shop", "http", "Shop", JSON.readTree("{\"token\": \"new\"}"));
        assertThat(replaced.createdAt()).isEqualTo(stored.createdAt());
        assertThat(replaced.credentials().get("token").asText()).isEqualTo("new");
        assertThat(connections.delete("shop")).isTrue();
        assertThat(connections.delete("shop")).isFalse();
        assertThat(connections.credentials("shop", "http")).isEmpty();
        assertThatThrownBy(() -> connections.put("x", "http", "x", JSON.readTree("[1]"))).hasMessageContaining("must be an object");
    }

    @Test
    void aConnectionIsHandedOnlyToItsOwnIntegrationWithItsAllowedHostsAndKeepsItsCreator() throws Exception {
        JdbcConnectionStore connections = new JdbcConnectionStore(database().dataSource(), new SecretBox(key(1)), Clock.systemUTC());
        connections.put("crm", "http", "CRM", JSON.readTree("{\"token\": \"t\"}"), java.util.List.of("api.crm.example", "*.crm.example"),
                "key_admin");

        assertThat(connections.credentials("crm", "slack")).isEmpty();
        var granted = connections.credentials("crm", "http").orElseThrow();
        assertThat(granted.allowedHosts()).containsExactly("api.crm.example", "*.crm.example");

        var replaced = connections.put("crm", "http", "CRM", JSON.readTree("{\"token\": \"u\"}"), null, "key_editor");
        assertThat(replaced.createdBy()).as("the creator is kept when someone else replaces it").isEqualTo("key_admin");
        assertThat(replaced.allowedHosts()).isNull();
        assertThat(connections.credentials("crm", "http").orElseThrow().allowedHosts()).isNull();
        assertThat(connections.list()).singleElement().satisfies(c -> assertThat(c.createdBy()).isEqualTo("key_admin"));
    }

    @Test
    void anotherMasterKeyOrAMovedCiphertextCannotDecryptAndSaysWhy() throws Exception {
        JdbcConnectionStore writer = new JdbcConnectionStore(database().dataSource(), new SecretBox(key(1)), Clock.systemUTC());
        writer.put("a", "http", "A", JSON.readTree("{\"token\": \"t-a\"}"));
        writer.put("b", "http", "B", JSON.readTree("{\"token\": \"t-b\"}"));

        JdbcConnectionStore wrongKey = new JdbcConnectionStore(database().dataSource(), new SecretBox(key(2)), Clock.systemUTC());
        assertThatThrownBy(() -> wrongKey.credentials("a", "http"))
                .isInstanceOf(SecretBox.SecretException.class)
                .hasMessageContaining("different master key").hasMessageNotContaining("t-a");

        String sealedA = rawColumn("SELECT credentials FROM connections WHERE id = 'a'");
        try (Connection connection = database().dataSource().getConnection();
                var st = connection.prepareStatement("UPDATE connections SET credentials = ? WHERE id = 'b'")) {
            st.setString(1, sealedA);
            st.executeUpdate();
        }
        assertThatThrownBy(() -> writer.credentials("b", "http")).isInstanceOf(SecretBox.SecretException.class);
        assertThat(writer.credentials("a", "http").orElseThrow().values().get("token").asText()).isEqualTo("t-a");
    }

    @Test
    void apiKeysAreStoredAsHashesAndAuthenticateByTheirSecret() throws Exception {
        JdbcApiKeyStore keys = new JdbcApiKeyStore(database().dataSource(), Clock.systemUTC());
        var admin = keys.create("first admin", Role.ADMIN);
        var viewer = keys.createWithSecret("ops", Role.VIEWER, "operator-chosen-key-0123456789");

        assertThat(admin.secret()).startsWith("sb_").hasSizeGreaterThan(40);
        assertThat(keys.authenticate(admin.secret())).contains(admin.key());
        assertThat(keys.authenticate("operator-chosen-key-0123456789").orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(keys.authenticate(admin.secret() + "x")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
        String stored = rawColumn("SELECT key_hash FROM api_keys WHERE name = 'first admin'");
        assertThat(stored).hasSize(64).doesNotContain(admin.secret().substring(3, 12));
        // Oldest first; two keys made in the same millisecond come by name.
        assertThat(keys.list()).extracting(JdbcApiKeyStore.ApiKey::name).containsExactly("first admin", "ops");
        assertThat(keys.delete(viewer.key().id())).isTrue();
        assertThat(keys.authenticate("operator-chosen-key-0123456789")).isEmpty();
        assertThatThrownBy(() -> keys.createWithSecret("short", Role.ADMIN, "too-short")).hasMessageContaining("at least 24");
        assertThat(Role.EDITOR.id()).isEqualTo("editor");
    }
}
