package io.scenariobuilder.server.ws;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionLog;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.logging.Redactor;
import io.scenariobuilder.server.logging.LogLines;
import java.time.Instant;
import java.util.Map;

/**
 * Sends the platform's own log lines (system, security, performance: what passes the log level) to the live log
 * stream. Execution lines are not taken here: they come straight from the execution log, every level included.
 */
public final class LiveLogAppender extends AppenderBase<ILoggingEvent> {

    private final java.util.function.Consumer<LogEntry> hub;

    /** @param hub where the lines go: the live log stream (and, in a cluster, the other servers') */
    public LiveLogAppender(java.util.function.Consumer<LogEntry> hub) {
        this.hub = hub;
        setName("LIVE_STREAM");
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLoggerName().equals(ExecutionLog.LOGGER)) {
            return;
        }
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            message = message + " (" + thrown.getClassName() + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()) + ")";
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        hub.accept(new LogEntry(Instant.ofEpochMilli(event.getTimeStamp()), LogLevel.fromId(LogLines.level(event)).orElse(LogLevel.INFO),
                LogLines.category(event), Redactor.redact(String.valueOf(message)), mdc.get("executionId"), mdc.get("scenarioId"),
                mdc.get("nodeId"), mdc.get("traceId"), mdc.get("spanId")));
    }
}
