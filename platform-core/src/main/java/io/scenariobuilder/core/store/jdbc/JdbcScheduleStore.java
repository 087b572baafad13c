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
     * false when it (or a later one) was claimed already.
     */
    public boolean claim(String scenarioId, Instant tick) {
        long millis = tick.toEpochMilli();
        try (Connection connection = database.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE schedule_ticks SET last_tick = ? WHERE scenario_id = ? AND last_tick < ?")) {
                update.setLong(1, millis);
                update.setString(2, scenarioId);
                update.setLong(3, millis);
                if (update.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule_ticks (scenario_id, last_tick) "
                    + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM schedule_ticks WHERE scenario_id = ?)")) {
                insert.setString(1, scenarioId);
                insert.setLong(2, millis);
                insert.setString(3, scenarioId);
                return insert.executeUpdate() == 1;
            } catch (SQLException e) {
                if (JdbcErrors.isDuplicate(e)) {
                    return false; // another server inserted the first tick at the same moment
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot claim a schedule tick of scenario " + scenarioId + ": " + e.getMessage(), e);
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
