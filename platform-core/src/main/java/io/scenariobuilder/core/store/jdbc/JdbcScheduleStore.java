package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The last cron tick each scheduled scenario ran for. {@link #claim} is atomic: of two servers (or a server racing a
 * restart of itself) asking for the same tick, exactly one gets it.
 */
public final class JdbcScheduleStore {

    private final DataSource database;

    public JdbcScheduleStore(DataSource database) {
        this.database = database;
    }

    /** The last tick claimed for this scenario, if any. */
    public Optional<Instant> lastTick(String scenarioId) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT last_tick FROM schedule_ticks WHERE scenario_id = ?")) {
            st.setString(1, scenarioId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the schedule of scenario " + scenarioId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Claims {@code tick} for the scenario: true when it is later than the last claimed tick (and is now the last),
     * false when it (or a later one) was claimed already. For a schedule that starts (no execution): a tick that runs
     * an execution is claimed with it, by the execution store.
     */
    public boolean claim(String scenarioId, Instant tick) {
        try (Connection connection = database.getConnection()) {
            return claim(connection, scenarioId, tick, null);
        } catch (SQLException e) {
            throw new StoreException("cannot claim a schedule tick of scenario " + scenarioId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Claims a tick on {@code connection}, in its transaction if one is open. With {@code executionId}, the claim is
     * also true when that execution is stored already: a transaction committed again after its answer was lost
     * claims what it claimed before.
     */
    static boolean claim(Connection connection, String scenarioId, Instant tick, String executionId) throws SQLException {
        long millis = tick.toEpochMilli();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE schedule_ticks SET last_tick = ? WHERE scenario_id = ? AND last_tick < ?")) {
            update.setLong(1, millis);
            update.setString(2, scenarioId);
            update.setLong(3, millis);
            if (update.executeUpdate() == 1) {
                return true;
            }
        }
        // The first tick: ON CONFLICT rather than a duplicate-key error, which would abort a PostgreSQL transaction.
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO schedule_ticks (scenario_id, last_tick) VALUES (?, ?) ON CONFLICT (scenario_id) DO NOTHING")) {
            insert.setString(1, scenarioId);
            insert.setLong(2, millis);
            if (insert.executeUpdate() == 1) {
                return true;
            }
        }
        if (executionId == null) {
            return false;
        }
        try (PreparedStatement stored = connection.prepareStatement("SELECT 1 FROM executions WHERE id = ?")) {
            stored.setString(1, executionId);
            try (ResultSet rs = stored.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Forgets a scenario's schedule (it was deleted or no longer has a schedule trigger). */
    public void forget(String scenarioId) {
        try (Connection connection = database.getConnection();
                PreparedStatement st = connection.prepareStatement("DELETE FROM schedule_ticks WHERE scenario_id = ?")) {
            st.setString(1, scenarioId);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot forget the schedule of scenario " + scenarioId + ": " + e.getMessage(), e);
        }
    }
}
