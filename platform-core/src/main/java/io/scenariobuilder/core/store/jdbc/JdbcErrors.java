package io.scenariobuilder.core.store.jdbc;

import java.sql.SQLException;

/** What a JDBC error means, the same on SQLite and PostgreSQL. */
final class JdbcErrors {

    private JdbcErrors() {
    }

    /** Whether the error is a unique or primary key violation. */
    static boolean isDuplicate(SQLException e) {
        String state = e.getSQLState();
        String message = String.valueOf(e.getMessage());
        return "23505".equals(state) || message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY");
    }

    /** The innermost message of a failure, which names what the database said. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
