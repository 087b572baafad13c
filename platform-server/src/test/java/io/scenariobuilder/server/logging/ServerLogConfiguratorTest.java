package io.scenariobuilder.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServerLogConfiguratorTest {

    @Test
    void logbackFindsItAndItSendsLinesWithExecutionAndNodeToStderrAtTheConfiguredLevel() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(ServerLogConfigurator.class);

        LoggerContext context = new LoggerContext();
        ServerLogConfigurator configurator = new ServerLogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level expected = Level.toLevel(System.getenv("SB_LOG_LEVEL"), Level.WARN);
        assertThat(root.getLevel()).isEqualTo(expected);
        assertThat(context.getLogger("org.pf4j").getEffectiveLevel()).isEqualTo(expected.equals(Level.INFO) ? Level.WARN : expected);
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(appender.isStarted()).isTrue();
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(ServerLogConfigurator.PATTERN).contains("%X{executionId:-}", "%X{nodeId:-}", "sbLevel", "sbCategory");
        context.stop();
    }

    @Test
    void aFileGivenOnTheCommandLineTakesOver() {
        System.setProperty("logback.configurationFile", "mine.xml");
        try {
            LoggerContext context = new LoggerContext();
            ServerLogConfigurator configurator = new ServerLogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }
}
