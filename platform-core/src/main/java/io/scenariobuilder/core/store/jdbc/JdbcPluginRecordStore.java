package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Records which plugins are installed (the JARs themselves live in the plugins folder). As a
 * {@link PluginService.Listener} it follows installs, upgrades and removals; after a restart, {@link #list()} says
 * what was running, so a JAR that disappeared from the folder can be noticed.
 */
public final class JdbcPluginRecordStore implements PluginService.Listener {

    private final DataSource database;
    private final Clock clock;

    /** An installed plugin as recorded. */
    public record PluginRecord(String id, String version, String sha256, Path source, List<String> integrations,
            Instant installedAt) {
        public PluginRecord {
            integrations = List.copyOf(integrations);
        }
    }

    public JdbcPluginRecordStore(DataSource database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void installed(PluginService.InstalledPlugin plugin) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO installed_plugins "
                        + "(id, version, sha256, source, integrations, installed_at) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
                        + "source = excluded.source, integrations = excluded.integrations, installed_at = excluded.installed_at")) {
            st.setString(1, plugin.id());
            st.setString(2, plugin.version());
            st.setString(3, plugin.sha256());
            st.setString(4, plugin.source().toAbsolutePath().toString());
            st.setString(5, String.join(",", plugin.integrationIds()));
            st.setLong(6, clock.instant().toEpochMilli());
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record plugin " + plugin.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removed(String pluginId) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM installed_plugins WHERE id = ?")) {
            st.setString(1, pluginId);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record the removal of plugin " + pluginId + ": " + e.getMessage(), e);
        }
    }

    /** The recorded plugins, by id. */
    public List<PluginRecord> list() {
        List<PluginRecord> records = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement(
                        "SELECT id, version, sha256, source, integrations, installed_at FROM installed_plugins ORDER BY id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                records.add(new PluginRecord(rs.getString(1), rs.getString(2), rs.getString(3), Path.of(rs.getString(4)),
                        Arrays.asList(rs.getString(5).split(",")), Instant.ofEpochMilli(rs.getLong(6))));
            }
            return records;
        } catch (SQLException e) {
            throw new StoreException("cannot list installed plugins: " + e.getMessage(), e);
        }
    }
}
