package io.scenariobuilder.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The server's and the CLI's logging, set up in code rather than from a {@code logback.xml}: parsing XML (a SAX
 * parser, Joran's model) is a noticeable part of a server start that aims at well under two seconds. Logs go to
 * stderr, so that stdout carries only results ({@code run --json}); the level is {@code SB_LOG_LEVEL} (default
 * {@code warn}). A file given with {@code -Dlogback.configurationFile=FILE} replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ServerLogConfigurator extends ContextAwareBase implements Configurator {

    /** The line format: time, level, logger, the execution and node (MDC), message. */
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} [%X{executionId:-} %X{nodeId:-}] %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the user's own file
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Level level = Level.toLevel(System.getenv("SB_LOG_LEVEL"), Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(stderr);
        context.getLogger("org.pf4j").setLevel(level);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
