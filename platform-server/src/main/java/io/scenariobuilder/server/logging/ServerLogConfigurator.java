package io.scenariobuilder.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import io.scenariobuilder.server.config.LogSettings;
import io.scenariobuilder.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * The server's and the CLI's logging, set up in code rather than from a {@code logback.xml}: parsing XML (a SAX
 * parser, Joran's model) is a noticeable part of a server start that aims at well under two seconds. Sinks:
 * <ul>
 *   <li>stderr (so that stdout carries only results, {@code run --json}): one readable line per event, or one JSON
 *       object per line with {@code SB_LOG_FORMAT=json} (containers);
 *   <li>with {@code SB_LOG_FILE}: that file, JSON lines, rolled each day and past {@code SB_LOG_FILE_MAX_MB}, kept
 *       {@code SB_LOG_FILE_DAYS} days.
 * </ul>
 * Every sink shows the level ({@code critical} included) and the category, and the execution, scenario, node, trace
 * and span ids where a line has them. The level is {@code SB_LOG_LEVEL} (default {@code warn}; {@code serve} makes it
 * {@code info}). A file given with {@code -Dlogback.configurationFile=FILE} replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ServerLogConfigurator extends ContextAwareBase implements Configurator {

    /** The readable line: time, level, category, logger, the execution and node (MDC), message. */
    public static final String PATTERN =
            "%d{HH:mm:ss.SSS} %-8sbLevel %-11sbCategory %logger{24} [%X{executionId:-} %X{nodeId:-}] %msg%n";
    /** The appenders this configures (others, a test's or the live stream's, are left alone). */
    static final String CONSOLE = "STDERR";
    static final String FILE = "JSON_FILE";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the user's own file
        }
        LogSettings settings;
        try {
            settings = LogSettings.from(System.getenv());
        } catch (ServerConfig.ConfigException e) {
            // Reported (and the start refused) when the server reads its configuration; log readably meanwhile.
            settings = LogSettings.from(Map.of());
        }
        apply(context, settings, Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * (Re)configures the sinks and level of {@code context}: replaces the console and file appenders this made before,
     * leaving any other appender in place.
     *
     * @param defaultLevel the level when {@code settings} names none
     */
    public static void apply(LoggerContext context, LogSettings settings, Level defaultLevel) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        replace(root, CONSOLE, console(context, settings.json()));
        replace(root, FILE, settings.file() == null ? null : file(context, settings));
        Level level = settings.level() == null ? defaultLevel : Level.toLevel(settings.level(), defaultLevel);
        root.setLevel(level);
        // Chatty at info: their start-up lines say nothing a user needs. At any other level they follow the root.
        Level chatty = level.equals(Level.INFO) ? Level.WARN : null;
        for (String logger : new String[] {"org.pf4j", "org.flywaydb", "com.zaxxer.hikari"}) {
            context.getLogger(logger).setLevel(chatty);
        }
    }

    private static void replace(Logger root, String name, Appender<ILoggingEvent> appender) {
        Appender<ILoggingEvent> old = root.getAppender(name);
        if (appender != null) {
            root.addAppender(appender);
        }
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    private static Appender<ILoggingEvent> console(LoggerContext context, boolean json) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(CONSOLE);
        stderr.setTarget("System.err");
        stderr.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
        stderr.start();
        return stderr;
    }

    private static Appender<ILoggingEvent> file(LoggerContext context, LogSettings settings) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName(FILE);
        file.setFile(settings.file().toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(file);
        policy.setFileNamePattern(settings.file() + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf(settings.fileMaxMegabytes() + "MB"));
        policy.setMaxHistory(settings.fileDays());
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(jsonEncoder(context));
        file.start();
        return file;
    }

    /** The readable line ({@link #PATTERN}). */
    public static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("sbLevel", LogLines.LevelConverter::new);
        layout.getInstanceConverterMap().put("sbCategory", LogLines.CategoryConverter::new);
        layout.setPattern(PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    /**
     * One JSON object a line: {@code timestamp}, {@code level}, {@code category}, {@code message}, {@code logger},
     * {@code thread}, the MDC's ids ({@code executionId}, {@code scenarioId}, {@code nodeId}, {@code traceId},
     * {@code spanId}), {@code stack_trace} when there is one.
     */
    public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        LogstashFieldNames names = new LogstashFieldNames();
        names.setTimestamp("timestamp");
        names.setVersion("[ignore]");
        names.setLevel("[ignore]");
        names.setLevelValue("[ignore]");
        names.setLogger("logger");
        names.setThread("thread");
        encoder.setFieldNames(names);
        encoder.addExcludeMdcKeyName("category");
        encoder.addProvider(new LogLines.JsonFields());
        encoder.start();
        return encoder;
    }
}
