package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.scenario.ScenarioWriter;
import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Scenarios with every version kept. Creating gives version 1; an update names the version it replaces (the API's
 * {@code If-Match}) and adds the next one, or fails as stale when another update came first. Executions pin the
 * version they started with, so old versions stay readable.
 */
public final class JdbcScenarioStore implements ScenarioSource {

    private final DataSource database;
    private final ScenarioParser parser;
    private final Clock clock;

    /** A stored scenario version. */
    public record StoredScenario(Scenario scenario, Instant createdAt) {
        /** Its version. */
        public int version() {
            return scenario.version();
        }
    }

    /** A page of scenarios and the cursor of the next page ({@code null} on the last). */
    public record Page(List<StoredScenario> items, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** Creating an existing id, or updating from a version that is not the latest. */
    public static final class StaleVersionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StaleVersionException(String message) {
            super(message);
        }
    }

    public JdbcScenarioStore(DataSource database, ScenarioParser parser, Clock clock) {
        this.database = database;
        this.parser = parser;
        this.clock = clock;
    }

    /**
     * Stores a new scenario as version 1.
     *
     * @throws StaleVersionException when a scenario with that id exists
     */
    public StoredScenario create(Scenario scenario) {
        StoredScenario stored = versioned(scenario, 1);
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO scenarios (id, version, document, created_at) "
                        + "SELECT ?, 1, ?, ? WHERE NOT EXISTS (SELECT 1 FROM scenarios WHERE id = ?)")) {
            st.setString(1, scenario.id());
            st.setString(2, ScenarioWriter.write(stored.scenario()).toString());
            st.setLong(3, stored.createdAt().toEpochMilli());
            st.setString(4, scenario.id());
            if (st.executeUpdate() == 0) {
                throw new StaleVersionException("scenario '" + scenario.id() + "' exists already");
            }
            return stored;
        } catch (SQLException e) {
            if (JdbcErrors.isDuplicate(e)) {
                throw new StaleVersionException("scenario '" + scenario.id() + "' exists already");
            }
            throw new StoreException("cannot store scenario " + scenario.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores a new version of a scenario, replacing {@code expectedVersion}.
     *
     * @throws StaleVersionException when {@code expectedVersion} is not the latest version (or there is none)
     */
    public StoredScenario update(Scenario scenario, int expectedVersion) {
        StoredScenario stored = versioned(scenario, expectedVersion + 1);
        // Versions are consecutive and (id, version) is unique: inserting expected + 1 succeeds only when expected
        // exists and nobody stored expected + 1 first.
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("INSERT INTO scenarios (id, version, document, created_at) "
                        + "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM scenarios WHERE id = ? AND version = ?)")) {
            st.setString(1, scenario.id());
            st.setInt(2, expectedVersion + 1);
            st.setString(3, ScenarioWriter.write(stored.scenario()).toString());
            st.setLong(4, stored.createdAt().toEpochMilli());
            st.setString(5, scenario.id());
            st.setInt(6, expectedVersion);
            if (st.executeUpdate() == 0) {
                throw stale(scenario.id(), expectedVersion);
            }
            return stored;
        } catch (SQLException e) {
            if (JdbcErrors.isDuplicate(e)) {
                throw stale(scenario.id(), expectedVersion);
            }
            throw new StoreException("cannot store scenario " + scenario.id() + ": " + e.getMessage(), e);
        }
    }

    private StaleVersionException stale(String id, int expected) {
        return new StaleVersionException("scenario '" + id + "' is not at version " + expected + " (latest: "
                + latestVersion(id).map(String::valueOf).orElse("none") + ")");
    }

    /** The current version of a scenario, as {@link ScenarioSource} (the engine's error scenarios). */
    @Override
    public Optional<Scenario> find(String scenarioId) {
        return get(scenarioId).map(StoredScenario::scenario);
    }

    /** The latest version of a scenario. */
    public Optional<StoredScenario> get(String id) {
        return query("SELECT document, created_at FROM scenarios WHERE id = ? ORDER BY version DESC LIMIT 1", id, null);
    }

    /** One version of a scenario. */
    public Optional<StoredScenario> get(String id, int version) {
        return query("SELECT document, created_at FROM scenarios WHERE id = ? AND version = ?", id, version);
    }

    /** The latest versions, by id, {@code limit} at a time after {@code cursor} (an id; {@code null} for the start). */
    public Page list(String cursor, int limit) {
        List<StoredScenario> items = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT s.document, s.created_at FROM scenarios s "
                        + "JOIN (SELECT id, MAX(version) AS version FROM scenarios WHERE id > ? GROUP BY id) latest "
                        + "ON latest.id = s.id AND latest.version = s.version ORDER BY s.id LIMIT ?")) {
            st.setString(1, cursor == null ? "" : cursor);
            st.setInt(2, limit + 1);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    items.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list scenarios: " + e.getMessage(), e);
        }
        String next = null;
        if (items.size() > limit) {
            items.remove(limit);
            next = items.get(limit - 1).scenario().id();
        }
        return new Page(items, next);
    }

    /** The latest version of every scenario, by id: what a server of a cluster compares its catalog with. */
    public java.util.Map<String, Integer> latestVersions() {
        java.util.Map<String, Integer> versions = new java.util.HashMap<>();
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT id, MAX(version) FROM scenarios GROUP BY id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                versions.put(rs.getString(1), rs.getInt(2));
            }
            return versions;
        } catch (SQLException e) {
            throw new StoreException("cannot list the scenarios' versions: " + e.getMessage(), e);
        }
    }

    /** Deletes every version of a scenario; false when there was none. Executions keep their own snapshot. */
    public boolean delete(String id) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM scenarios WHERE id = ?")) {
            st.setString(1, id);
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete scenario " + id + ": " + e.getMessage(), e);
        }
    }

    private Optional<Integer> latestVersion(String id) {
        return get(id).map(StoredScenario::version);
    }

    private Optional<StoredScenario> query(String sql, String id, Integer version) {
        try (Connection connection = database.getConnection(); PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, id);
            if (version != null) {
                st.setInt(2, version);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read scenario " + id + ": " + e.getMessage(), e);
        }
    }

    private StoredScenario read(ResultSet rs) throws SQLException {
        return new StoredScenario(parser.parseOrThrow(rs.getString(1), "stored"), Instant.ofEpochMilli(rs.getLong(2)));
    }

    private StoredScenario versioned(Scenario scenario, int version) {
        Scenario withVersion = new Scenario(scenario.id(), scenario.name(), version, scenario.trigger(), scenario.settings(),
                scenario.nodes(), scenario.connections(), scenario.errorScenarioId());
        return new StoredScenario(withVersion, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

}
