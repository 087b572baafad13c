package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import java.io.IOException;
import java.net.SocketException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Which failures of the database pass (the API answers 503 with Retry-After and the writer waits and tries again) and
 * which do not (the write is refused for good, the API answers 500): the line between an outage and a bug or damaged
 * data. A wrong answer either way hurts: an outage taken for good loses work, damage taken for an outage retries for ever.
 */
class StoreFailureKindsTest {

    private static boolean passes(Throwable failure) {
        return new StoreException("cannot do it", failure).unavailable();
    }

    /** PostgreSQL's SQL states of an outage: connection (08), resources (53), shutting down or starting (57P), I/O (58). */
    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "53100", "53300", "57P01", "57P03", "58030", "40001", "40P01", "55P03"})
    void postgresOutagesAndConflictsPass(String state) {
        assertThat(passes(new SQLException("the database said " + state, state))).isTrue();
    }

    /** Constraints, syntax, types, permissions: the same write fails the same way next time. */
    @ParameterizedTest
    @ValueSource(strings = {"23505", "23503", "42601", "42P01", "22P02", "42501", "P0001"})
    void postgresRefusalsDoNotPass(String state) {
        assertThat(passes(new SQLException("the database refused it " + state, state))).isFalse();
    }

    @Test
    void sqliteBusyLockedFullAndIoErrorsPassAndConstraintsDoNot() {
        assertThat(passes(new SQLiteException("[SQLITE_BUSY] the database file is locked", SQLiteErrorCode.SQLITE_BUSY))).isTrue();
        assertThat(passes(new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL))).isTrue();
        assertThat(passes(new SQLiteException("[SQLITE_IOERR_WRITE] disk I/O error", SQLiteErrorCode.SQLITE_IOERR_WRITE))).isTrue();
        assertThat(passes(new SQLiteException("[SQLITE_CONSTRAINT_UNIQUE]", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE))).isFalse();
        assertThat(passes(new SQLiteException("[SQLITE_CORRUPT] malformed", SQLiteErrorCode.SQLITE_CORRUPT))).isFalse();
        // A batch failure the driver re-threw without its SQLiteException: read from the message.
        assertThat(passes(new BatchUpdateException("[SQLITE_BUSY] the database file is locked (batch)", new int[0]))).isTrue();
        assertThat(passes(new BatchUpdateException("[SQLITE_CONSTRAINT] abort (batch)", new int[0]))).isFalse();
    }

    @Test
    void aBrokenConnectionPassesWhereverItIsInTheCauseChain() {
        assertThat(passes(new SQLTransientConnectionException("pool timed out"))).isTrue();
        assertThat(passes(new SQLRecoverableException("connection reset"))).isTrue();
        assertThat(passes(new SQLNonTransientConnectionException("the connection is closed"))).isTrue();
        assertThat(passes(new RuntimeException("wrapped", new SocketException("Broken pipe")))).isTrue();
        assertThat(passes(new IllegalStateException("outer", new SQLException("inner", "08006")))).isTrue();
    }

    @Test
    void damagedDataBugsAndNothingAtAllDoNotPass() {
        // An I/O failure is met before what it wraps: the driver wraps a broken socket so.
        assertThat(passes(new IOException("wrapped", new JsonParseException(null, "Unexpected end-of-input")))).isTrue();
        assertThat(passes(new JsonParseException(null, "Unexpected end-of-input"))).as("damaged JSON in a row").isFalse();
        assertThat(passes(new SQLException("no state"))).isFalse();
        assertThat(passes(new IllegalArgumentException("a bug"))).isFalse();
        assertThat(passes(null)).isFalse();
        // A cause chain that loops ends.
        RuntimeException loop = new RuntimeException("self") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertThat(passes(loop)).isFalse();
        assertThat(new StoreException("x", null).executionFailureRecorded()).isFalse();
    }
}
