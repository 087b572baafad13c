package io.scenariobuilder.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.scenariobuilder.core.engine.ExecutionLog;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.composite.AbstractJsonProvider;
import org.slf4j.Marker;

/**
 * The platform's level and category of a logback event, the same in every sink: the level is {@code critical} for a
 * line marked {@link ExecutionLog#CRITICAL}, else logback's in lower case; the category is the MDC's
 * {@code category}, else the logger's ({@code io.scenariobuilder.security}, {@code .performance}, {@code .execution},
 * {@code .integration}), else {@code system}.
 */
public final class LogLines {

    /** Loggers whose lines belong to a category by name. */
    public static final String SECURITY = "io.scenariobuilder.security";
    public static final String PERFORMANCE = "io.scenariobuilder.performance";
    public static final String INTEGRATION = "io.scenariobuilder.integration";

    private LogLines() {
    }

    /** {@code debug}, {@code info}, {@code warn}, {@code error} or {@code critical}. */
    public static String level(ILoggingEvent event) {
        if (critical(event)) {
            return "critical";
        }
        Level level = event.getLevel();
        if (level.toInt() >= Level.ERROR_INT) {
            return "error";
        }
        if (level.toInt() >= Level.WARN_INT) {
            return "warn";
        }
        return level.toInt() >= Level.INFO_INT ? "info" : "debug";
    }

    /** Whether the line is marked critical. */
    public static boolean critical(ILoggingEvent event) {
        if (event.getMarkerList() == null) {
            return false;
        }
        for (Marker marker : event.getMarkerList()) {
            if (marker.equals(ExecutionLog.CRITICAL) || marker.contains(ExecutionLog.CRITICAL)) {
                return true;
            }
        }
        return false;
    }

    /** {@code execution}, {@code integration}, {@code system}, {@code security} or {@code performance}. */
    public static String category(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String category = mdc == null ? null : mdc.get("category");
        if (category != null) {
            return category;
        }
        String logger = event.getLoggerName();
        if (logger.startsWith(SECURITY)) {
            return "security";
        }
        if (logger.startsWith(PERFORMANCE)) {
            return "performance";
        }
        if (logger.startsWith(ExecutionLog.LOGGER)) {
            return "execution";
        }
        if (logger.startsWith(INTEGRATION)) {
            return "integration";
        }
        return "system";
    }

    /** {@code %sbLevel} in a pattern. */
    public static final class LevelConverter extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return level(event);
        }
    }

    /** {@code %sbCategory} in a pattern. */
    public static final class CategoryConverter extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return category(event);
        }
    }

    /** Writes {@code "level"} and {@code "category"} into a JSON line. */
    public static final class JsonFields extends AbstractJsonProvider<ILoggingEvent> {
        @Override
        public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
            generator.writeStringField("level", level(event));
            generator.writeStringField("category", category(event));
        }
    }
}
