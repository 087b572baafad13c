package io.scenariobuilder.core.engine;

import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.store.ExecutionStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes execution log lines: to the store (the execution's log), to SLF4J with the execution, scenario and node
 * ids in the MDC, and to listeners (the live stream).
 */
public final class ExecutionLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.scenariobuilder.execution");

    private final ExecutionStore store;
    private final Clock clock;
    private final List<Consumer<LogEntry>> listeners = new CopyOnWriteArrayList<>();

    public ExecutionLog(ExecutionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds a listener that sees every line; returns a handle that removes it. */
    public AutoCloseable addListener(Consumer<LogEntry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Writes one line. */
    public void write(LogLevel level, String category, String message, String executionId, String scenarioId, String nodeId) {
        LogEntry entry = new LogEntry(clock.instant(), level, category, message, executionId, scenarioId, nodeId);
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
        boolean setMdc = !entry.executionId().equals(MDC.get("executionId"));
        if (setMdc) {
            MDC.put("executionId", entry.executionId());
            MDC.put("scenarioId", entry.scenarioId());
            if (entry.nodeId() != null) {
                MDC.put("nodeId", entry.nodeId());
            }
        }
        try {
            String text = entry.nodeId() == null ? entry.message() : "[" + entry.nodeId() + "] " + entry.message();
            switch (entry.level()) {
                case DEBUG -> LOG.debug(text);
                case INFO -> LOG.info(text);
                case WARN -> LOG.warn(text);
                case ERROR -> LOG.error(text);
                case CRITICAL -> LOG.error("CRITICAL " + text);
            }
        } finally {
            if (setMdc) {
                MDC.remove("executionId");
                MDC.remove("scenarioId");
                MDC.remove("nodeId");
            }
        }
    }
}
