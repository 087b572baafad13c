package io.scenariobuilder.server;

import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.plugin.PluginService.InstalledPlugin;
import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.jdbc.ClusterBus;
import io.scenariobuilder.server.http.PluginRoutes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of a cluster: a plugin uploaded through one server's API is kept in the database
 * ({@code cluster_plugins}) and announced; every other server writes the JAR to its own plugins folder and installs it
 * there, as an upload would (an upgrade drains that server's executions of the old version first). A plugin removed
 * through one server stays as a row without its JAR, and every server removes it once no execution of its uses it.
 * Each server also compares its plugins with the table at start and every few seconds, so a missed announcement only
 * delays it.
 */
final class ClusterPlugins implements PluginRoutes.Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPlugins.class);

    private record Row(String id, String version, String sha256, String jar) {
        boolean removed() {
            return jar == null;
        }
    }

    private final DataSource database;
    private final ClusterBus bus;
    private final PluginService plugins;
    private final Path pluginsDir;

    ClusterPlugins(DataSource database, ClusterBus bus, PluginService plugins, Path pluginsDir) {
        this.database = database;
        this.bus = bus;
        this.plugins = plugins;
        this.pluginsDir = pluginsDir;
    }

    @Override
    public void installed(InstalledPlugin plugin, Path jar) {
        try {
            put(plugin.id(), plugin.version(), plugin.sha256(), Base64.getEncoder().encodeToString(Files.readAllBytes(jar)));
        } catch (IOException e) {
            throw new StoreException("cannot share plugin " + plugin.id() + " with the cluster: " + e.getMessage(), e);
        }
        announce(plugin.id());
    }

    @Override
    public void removed(String pluginId) {
        put(pluginId, "", null, null);
        announce(pluginId);
    }

    private void announce(String pluginId) {
        try {
            bus.publish(ClusterBus.CHANGES, "plugin:" + pluginId);
        } catch (RuntimeException e) {
            LOG.warn("cannot announce plugin {} to the cluster (the others see it within seconds): {}", pluginId, e.getMessage());
        }
    }

    private void put(String id, String version, String sha256, String jar) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO cluster_plugins (id, version, sha256, jar, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
                        + "jar = excluded.jar, updated_at = excluded.updated_at")) {
            st.setString(1, id);
            st.setString(2, version);
            st.setString(3, sha256);
            st.setString(4, jar);
            st.setLong(5, System.currentTimeMillis());
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot share plugin " + id + " with the cluster: " + e.getMessage(), e);
        }
    }

    /** Makes this server's copy of one plugin the cluster's: installed at the shared version, or removed. */
    void sync(String pluginId) {
        read(pluginId).ifPresent(this::apply);
    }

    /** Every shared plugin compared with this server's (the JARs are read only where they differ). */
    void syncAll() {
        for (Row shared : summaries()) {
            Optional<InstalledPlugin> here = plugins.find(shared.id());
            boolean same = shared.removed() ? here.isEmpty() || !fromFolder(here.get()) : here.isPresent() && shared.sha256().equals(here.get().sha256());
            if (same) {
                continue;
            }
            try {
                sync(shared.id());
            } catch (RuntimeException e) {
                LOG.warn("cannot install plugin {} shared by the cluster: {}", shared.id(), e.getMessage());
            }
        }
    }

    private boolean fromFolder(InstalledPlugin plugin) {
        return plugin.source() != null && plugin.source().toAbsolutePath().normalize().startsWith(pluginsDir.toAbsolutePath().normalize());
    }

    private synchronized void apply(Row row) {
        Optional<InstalledPlugin> here = plugins.find(row.id());
        if (row.removed()) {
            if (here.isPresent() && fromFolder(here.get())) {
                LOG.info("plugin {} was removed in the cluster: removed here once no execution uses it", row.id());
                plugins.removeWhenIdle(row.id());
                deleteJars(row.id());
            }
            return;
        }
        if (here.isPresent() && row.sha256().equals(here.get().sha256())) {
            return;
        }
        Path part = pluginsDir.resolve(".cluster-" + UUID.randomUUID() + ".part");
        try {
            Files.write(part, Base64.getDecoder().decode(row.jar()));
            InstalledPlugin installed = PluginRoutes.installAndKeep(plugins, pluginsDir, part);
            LOG.info("plugin {} {} installed from the cluster", installed.id(), installed.version());
        } catch (IOException e) {
            throw new StoreException("cannot write plugin " + row.id() + " shared by the cluster to " + pluginsDir + ": " + e.getMessage(), e);
        }
    }

    private void deleteJars(String pluginId) {
        try {
            PluginRoutes.deleteOtherJarsOf(pluginsDir, pluginId, null);
        } catch (IOException e) {
            LOG.warn("cannot delete the JARs of plugin {}: {}", pluginId, e.getMessage());
        }
    }

    private Optional<Row> read(String id) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT id, version, sha256, jar FROM cluster_plugins WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read plugin " + id + " of the cluster: " + e.getMessage(), e);
        }
    }

    /** Each shared plugin without its JAR (the JAR's place says whether it was removed: {@code ""} kept, null removed). */
    private List<Row> summaries() {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT id, version, sha256, jar IS NULL FROM cluster_plugins ORDER BY id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4) ? null : ""));
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("cannot list the plugins of the cluster: " + e.getMessage(), e);
        }
    }
}
