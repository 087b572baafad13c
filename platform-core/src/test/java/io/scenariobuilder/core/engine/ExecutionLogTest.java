package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.store.ExecutionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What an operator reading the server's log and a live-stream client see of an execution's lines: the same line, at
 * its level, with the ids in the MDC (and the caller's MDC left as it was), secrets masked; the stored log keeps every
 * line even when SLF4J is quieter, and a line that cannot be stored is said, not lost silently.
 */
class ExecutionLogTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    /** Keeps each event with its MDC as it was when logged (Logback reads the MDC lazily otherwise). */
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };
    private final Logger execution = (Logger) LoggerFactory.getLogger(ExecutionLog.LOGGER);
    /** The lines the store was given. */
    private final List<LogEntry> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ExecutionLog log;

    @BeforeEach
    void attach() {
        lines.start();
        execution.addAppender(lines);
        execution.setLevel(Level.DEBUG);
        execution.setAdditive(false);
        log = new ExecutionLog(store((method, args) -> {
            stored.add((LogEntry) args[0]);
            return CompletableFuture.completedFuture(null);
        }), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void detach() {
        execution.detachAppender(lines);
        execution.setLevel(null);
        execution.setAdditive(true);
        MDC.clear();
    }

    /** A store whose logAppended answers {@code logAppended}; nothing else is called. */
    private static ExecutionStore store(java.util.function.BiFunction<java.lang.reflect.Method, Object[], Object> logAppended) {
        return (ExecutionStore) java.lang.reflect.Proxy.newProxyInstance(ExecutionLogTest.class.getClassLoader(),
                new Class<?>[] {ExecutionStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("logAppended")) {
                        throw new AssertionError("the log called " + method.getName());
                    }
                    return logAppended.apply(method, args);
                });
    }

    private void write(LogLevel level, String message, String nodeId) {
        log.write(level, "execution", message, "e1", "s1", nodeId, "trace1", "span1", Set.of());
    }

    @Test
    void eachLevelReachesSlf4jAtItsLevelAndCriticalIsAnErrorWithItsMarker() {
        for (LogLevel level : LogLevel.values()) {
            write(level, "at " + level.id(), "n1");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR, Level.ERROR);
        assertThat(lines.list.get(3).getMarkerList()).isNullOrEmpty();
        assertThat(lines.list.get(4).getMarkerList()).containsExactly(ExecutionLog.CRITICAL);
        assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("[n1] at debug");
    }

    @Test
    void theIdsAreInTheMdcDuringTheLineAndTheCallersMdcIsLeftAsItWas() {
        MDC.put("executionId", "outer");
        MDC.put("nodeId", "outer-node");
        write(LogLevel.INFO, "of the execution, no node", null);
        ILoggingEvent line = lines.list.getFirst();
        assertThat(line.getFormattedMessage()).as("no node: no prefix").isEqualTo("of the execution, no node");
        assertThat(line.getMDCPropertyMap()).containsAllEntriesOf(Map.of("executionId", "e1", "scenarioId", "s1", "traceId", "trace1",
                "spanId", "span1", "category", "execution")).doesNotContainKey("nodeId");
        assertThat(MDC.get("executionId")).isEqualTo("outer");
        assertThat(MDC.get("nodeId")).isEqualTo("outer-node");
        assertThat(MDC.get("scenarioId")).as("not set before: not left behind").isNull();
        assertThat(MDC.get("category")).isNull();
    }

    @Test
    void aQuieterServerLogStillStoresAndStreamsEveryLine() {
        execution.setLevel(Level.WARN);
        List<LogEntry> streamed = new ArrayList<>();
        log.addListener(streamed::add);
        for (LogLevel level : LogLevel.values()) {
            write(level, "at " + level.id(), "n1");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("[n1] at warn", "[n1] at error",
                "[n1] at critical");
        assertThat(streamed).hasSize(LogLevel.values().length);
        assertThat(stored).extracting(LogEntry::message).containsExactly("at debug", "at info", "at warn", "at error",
                "at critical");
        execution.setLevel(Level.OFF);
        write(LogLevel.CRITICAL, "unseen on SLF4J", null);
        assertThat(lines.list).hasSize(3);
        assertThat(stored).hasSize(6);
    }

    @Test
    void secretsAreMaskedEverywhereTheLineGoes() {
        List<LogEntry> streamed = new ArrayList<>();
        log.addListener(streamed::add);
        log.write(LogLevel.INFO, "integration", "calling https://bob:pw@api.example.com with s3cr3t-token", "e1", "s1", "n1", null, null,
                Set.of("s3cr3t-token"));
        String masked = "calling https://****@api.example.com with ****";
        assertThat(lines.list.getFirst().getFormattedMessage()).isEqualTo("[n1] " + masked);
        assertThat(streamed.getFirst().message()).isEqualTo(masked);
        assertThat(stored.getFirst().message()).isEqualTo(masked);
        assertThat(stored.getFirst().timestamp()).isEqualTo(NOW);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthersAndAClosedOneHearsNothing() {
        List<String> heard = new ArrayList<>();
        log.addListener(line -> {
            throw new IllegalStateException("a broken stream");
        });
        ExecutionLog.Registration second = log.addListener(line -> heard.add(line.message()));
        write(LogLevel.INFO, "one", null);
        second.close();
        write(LogLevel.INFO, "two", null);
        assertThat(heard).containsExactly("one");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).contains("an execution log listener failed");
    }

    @Test
    void aLineTheStoreCannotKeepIsWarnedAboutAndTheExecutionGoesOn() {
        // The store refuses log lines (a full disk).
        ExecutionLog failing = new ExecutionLog(store((method, args) -> CompletableFuture.failedFuture(new IllegalStateException("disk full"))),
                Clock.systemUTC());
        List<String> streamed = new ArrayList<>();
        failing.addListener(line -> streamed.add(line.message()));
        failing.write(LogLevel.INFO, "execution", "kept on the stream", "e9", "s1", null, null, null, Set.of());
        assertThat(streamed).containsExactly("kept on the stream");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("could not store a log line of execution e9: java.lang.IllegalStateException: disk full");
    }
}
