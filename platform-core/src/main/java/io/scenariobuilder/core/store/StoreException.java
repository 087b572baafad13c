package io.scenariobuilder.core.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/** The store could not do what was asked (database unreachable, a write failed). The message says which. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    /**
     * SQLite's primary result codes that pass: busy (5), locked (6), out of memory (7), an I/O error (10), the disk
     * is full (13), the file cannot be opened (14), a locking protocol race (15).
     */
    private static final Set<Integer> SQLITE_TRANSIENT = Set.of(5, 6, 7, 10, 13, 14, 15);
    private static final Pattern SQLITE_TRANSIENT_MESSAGE = Pattern.compile("\\[SQLITE_(BUSY|LOCKED|NOMEM|IOERR|FULL|CANTOPEN|PROTOCOL)");

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the store refused one of an execution's writes for good and has recorded that execution as failed
     * itself (the engine then writes nothing more for it).
     */
    public boolean executionFailureRecorded() {
        return false;
    }

    /** Whether the database is unavailable for now (busy, restarting, unreachable, out of disk): try again later. */
    public boolean unavailable() {
        return isTransient(getCause());
    }

    /**
     * Whether a failure says the database cannot take work now but will again (busy, restarting, unreachable, out of
     * disk or memory), as opposed to refusing this for good (a constraint, data it cannot hold, a bug). PostgreSQL:
     * SQL state classes 08 (connection), 53 (insufficient resources), 57P (shutting down, starting up), 58 (system
     * I/O), and serialization failures and deadlocks (40001, 40P01, 55P03). SQLite: the result codes above.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof SQLiteException sqlite) {
                return SQLITE_TRANSIENT.contains(sqlite.getResultCode().code & 0xff);
            }
            if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                    || e instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("58")
                        || state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
                    return true;
                }
            }
            if (e instanceof SQLException && SQLITE_TRANSIENT_MESSAGE.matcher(String.valueOf(e.getMessage())).find()) {
                return true; // a batch failure re-thrown without its SQLiteException
            }
            if (e instanceof com.fasterxml.jackson.core.JacksonException) {
                return false; // a stored value that does not parse: damaged data, which waiting does not mend
            }
            if (e instanceof java.io.IOException) {
                return true; // the socket to the database broke under the driver
            }
        }
        return false;
    }
}
