package io.scenariobuilder.core.engine;

import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.logging.Redactor;
import io.scenariobuilder.core.store.ExecutionStore;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Writes execution log lines: to the store (the execution's log), to SLF4J with the execution, scenario, node, trace
 * and span ids and the category in the MDC, and to listeners (the live stream). Every line is redacted first
 * ({@link Redactor}): URL user-info, named secret values, and the secrets the caller names.
 */
public final class ExecutionLog {

    /** The logger execution lines go to; a live stream that hears {@link #addListener} skips it. */
    public static final String LOGGER = "io.scenariobuilder.execution";
    /** Marks a {@code critical} line on SLF4J, which has no such level (it is logged at error). */
    public static final Marker CRITICAL = MarkerFactory.getMarker("CRITICAL");

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final ExecutionStore store;
    private final Clock clock;
    private final List<Consumer<LogEntry>> listeners = new CopyOnWriteArrayList<>();

    public ExecutionLog(ExecutionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A listener's registration: closing it removes the listener. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Adds a listener that sees every line; returns a handle that removes it. */
    public Registration addListener(Consumer<LogEntry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Writes one line.
     *
     * @param traceId the execution's trace, or {@code null}
     * @param spanId the span it was written in, or {@code null}
     * @param secrets values to mask wherever they appear (a connection's credentials)
     */
    public void write(LogLevel level, String category, String message, String executionId, String scenarioId, String nodeId,
            String traceId, String spanId, Collection<String> secrets) {
        LogEntry entry = new LogEntry(clock.instant(), level, category, Redactor.redact(message, secrets), executionId, scenarioId,
                nodeId, traceId, spanId);
        // A lost log line must not fail the execution, but it must not vanish unnoticed either.
        store.logAppended(entry).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("could not store a log line of execution {}: {}", entry.executionId(), failure.toString());
            }
        });
        toSlf4j(entry);
        for (Consumer<LogEntry> listener : listeners) {
            try {
                listener.accept(entry);
            } catch (RuntimeException e) {
                LOG.warn("an execution log listener failed", e);
            }
        }
    }

    private static void toSlf4j(LogEntry entry) {
        if (!enabled(entry.level())) {
            return;
        }
        // The ids may already be set (a node's thread): restore what was there.
        String[] keys = {"executionId", "scenarioId", "nodeId", "traceId", "spanId", "category"};
        String[] values = {entry.executionId(), entry.scenarioId(), entry.nodeId(), entry.traceId(), entry.spanId(), entry.category()};
        String[] before = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            before[i] = MDC.get(keys[i]);
            put(keys[i], values[i]);
        }
        try {
            String text = entry.nodeId() == null ? entry.message() : "[" + entry.nodeId() + "] " + entry.message();
            switch (entry.level()) {
                case DEBUG -> LOG.debug(text);
                case INFO -> LOG.info(text);
                case WARN -> LOG.warn(text);
                case ERROR -> LOG.error(text);
                case CRITICAL -> LOG.error(CRITICAL, text);
            }
        } finally {
            for (int i = 0; i < keys.length; i++) {
                put(keys[i], before[i]);
            }
        }
    }

    private static boolean enabled(LogLevel level) {
        return switch (level) {
            case DEBUG -> LOG.isDebugEnabled();
            case INFO -> LOG.isInfoEnabled();
            case WARN -> LOG.isWarnEnabled();
            case ERROR, CRITICAL -> LOG.isErrorEnabled();
        };
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
