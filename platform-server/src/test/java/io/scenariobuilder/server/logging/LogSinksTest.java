package io.scenariobuilder.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.core.engine.ExecutionLog;
import io.scenariobuilder.server.config.LogSettings;
import io.scenariobuilder.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** Every sink shows the level (critical too), the category and the ids; JSON where asked, in a rolled file where asked. */
class LogSinksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream realStderr;

    @BeforeEach
    void captureStderr() {
        context.setMDCAdapter(MDC.getMDCAdapter());
        realStderr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(realStderr);
        context.stop();
        MDC.clear();
    }

    private void logSomeLines() {
        MDC.put("executionId", "e-42");
        MDC.put("scenarioId", "orders");
        MDC.put("nodeId", "fetch");
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        MDC.put("category", "integration");
        context.getLogger(ExecutionLog.LOGGER).error(ExecutionLog.CRITICAL, "[fetch] node failed (authentication_failed)");
        MDC.clear();
        context.getLogger(LogLines.SECURITY).warn("refused an API key that is not valid");
        context.getLogger("io.scenariobuilder.server.Something").info("listening");
        context.getLogger("io.scenariobuilder.server.Something").debug("not shown at info");
    }

    @Test
    void theReadableLineShowsLevelCategoryAndIds() {
        ServerLogConfigurator.apply(context, LogSettings.from(Map.of()), Level.INFO);
        logSomeLines();
        List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("critical", "integration", "[e-42 fetch]", "node failed");
        assertThat(lines.get(1)).contains("warn", "security", "refused an API key");
        assertThat(lines.get(2)).contains("info", "system", "listening");
    }

    @Test
    void jsonLinesCarryTheSameFields() throws Exception {
        ServerLogConfigurator.apply(context, LogSettings.from(Map.of("SB_LOG_FORMAT", "json", "SB_LOG_LEVEL", "debug")), Level.INFO);
        logSomeLines();
        List<JsonNode> lines = parse(stderr.toString(StandardCharsets.UTF_8));
        assertThat(lines).hasSize(4);
        JsonNode critical = lines.get(0);
        assertThat(critical.get("level").asText()).isEqualTo("critical");
        assertThat(critical.get("category").asText()).isEqualTo("integration");
        assertThat(critical.get("executionId").asText()).isEqualTo("e-42");
        assertThat(critical.get("scenarioId").asText()).isEqualTo("orders");
        assertThat(critical.get("nodeId").asText()).isEqualTo("fetch");
        assertThat(critical.get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(critical.get("spanId").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(critical.has("timestamp")).isTrue();
        assertThat(critical.get("logger").asText()).isEqualTo(ExecutionLog.LOGGER);
        assertThat(lines.get(1).get("category").asText()).isEqualTo("security");
        assertThat(lines.get(2).get("category").asText()).isEqualTo("system");
        assertThat(lines.get(3).get("level").asText()).isEqualTo("debug");
    }

    @Test
    void theFileGetsJsonLinesAndRollsByDayAndSize() throws Exception {
        Path file = dir.resolve("logs").resolve("sb.json");
        LogSettings settings = LogSettings.from(Map.of("SB_LOG_FILE", file.toString(), "SB_LOG_FILE_DAYS", "3",
                "SB_LOG_FILE_MAX_MB", "5"));
        ServerLogConfigurator.apply(context, settings, Level.INFO);
        logSomeLines();
        assertThat(parse(stderr.toString(StandardCharsets.UTF_8))).as("the console stays readable text").isEmpty();
        List<JsonNode> lines = parse(Files.readString(file));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("level").asText()).isEqualTo("critical");
        var appender = (ch.qos.logback.core.rolling.RollingFileAppender<?>) context.getLogger("ROOT").getAppender(ServerLogConfigurator.FILE);
        var policy = (ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
        assertThat(policy.getMaxHistory()).isEqualTo(3);
        assertThat(policy.getFileNamePattern()).endsWith("sb.json.%d{yyyy-MM-dd}.%i.gz");

        // Applying again (the server's own settings after the environment's) replaces the sinks, never adds to them.
        ServerLogConfigurator.apply(context, LogSettings.from(Map.of()), Level.INFO);
        assertThat(context.getLogger("ROOT").getAppender(ServerLogConfigurator.FILE)).isNull();
        context.getLogger("x").info("once");
        assertThat(stderr.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("once"))).hasSize(1);
    }

    @Test
    void badSettingsAreNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSettings.from(Map.of("SB_LOG_FORMAT", "xml")))
                .isInstanceOf(ServerConfig.ConfigException.class).hasMessageContaining("SB_LOG_FORMAT must be text or json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSettings.from(Map.of("SB_LOG_LEVEL", "loud")))
                .hasMessageContaining("SB_LOG_LEVEL");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSettings.from(Map.of("SB_LOG_FILE_DAYS", "0")))
                .hasMessageContaining("SB_LOG_FILE_DAYS");
    }

    private static List<JsonNode> parse(String text) {
        return text.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }
}
