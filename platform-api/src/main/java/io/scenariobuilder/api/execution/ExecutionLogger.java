package io.scenariobuilder.api.execution;

/**
 * Writes lines to the execution's log (and its live stream), tagged with the execution, scenario and node ids.
 *
 * <pre>{@code context.logger().info("fetched " + rows.size() + " rows");}</pre>
 *
 * <p>Never log credentials.
 */
public interface ExecutionLogger {

    /** Writes one line at {@code level}. */
    void log(LogLevel level, String message);

    /** Writes one line at {@code debug}. */
    default void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    /** Writes one line at {@code info}. */
    default void info(String message) {
        log(LogLevel.INFO, message);
    }

    /** Writes one line at {@code warn}. */
    default void warn(String message) {
        log(LogLevel.WARN, message);
    }

    /** Writes one line at {@code error}. */
    default void error(String message) {
        log(LogLevel.ERROR, message);
    }
}
