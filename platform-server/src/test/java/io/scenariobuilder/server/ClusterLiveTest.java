package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.store.jdbc.ClusterBus;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.server.ws.LiveHub;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A server whose live lines pile up faster than the cluster takes them drops the excess for the other servers' streams:
 * counted (a metric, asserted in ClusterTest) and said, at most once a minute. Nothing is sent here: no database.
 */
class ClusterLiveTest {

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(ClusterLive.class);
    private final LiveHub<LogEntry> logs = new LiveHub<>("logs", 10, 10, Duration.ofSeconds(30));
    private final LiveHub<io.scenariobuilder.core.engine.ExecutionEvent> events = new LiveHub<>("events", 10, 10, Duration.ofSeconds(30));
    private ClusterLive live;

    @BeforeEach
    void start() {
        warnings.start();
        log.addAppender(warnings);
        ClusterBus unused = new ClusterBus(new StoreSettings("jdbc:postgresql://127.0.0.1:9/none", "sb", "sb", true, 100,
                StoreSettings.DEFAULT_MAX_OUTPUT_BYTES), null);
        live = new ClusterLive(unused, "server-a", logs, events);
    }

    @AfterEach
    void stop() {
        live.close();
        logs.close();
        events.close();
        log.detachAppender(warnings);
    }

    private void lines(int count) {
        for (int i = 0; i < count; i++) {
            live.line(new LogEntry(Instant.now(), LogLevel.INFO, "execution", "line " + i, "e1", "s1", "n1"));
        }
    }

    @Test
    void linesBeyondWhatMayWaitAreDroppedCountedAndSaidAtMostOnceAMinute() {
        long now = System.nanoTime();
        lines(ClusterLive.MAX_WAITING);
        assertThat(live.dropped()).isZero();
        assertThat(live.reportDropped(now)).as("nothing dropped: nothing to say").isFalse();

        lines(3);
        assertThat(live.dropped()).isEqualTo(3);
        assertThat(live.reportDropped(now)).isTrue();
        assertThat(warnings.list).singleElement().satisfies(warning -> assertThat(warning.getFormattedMessage()).isEqualTo(
                "3 live lines and events were not sent to the other servers since the last warning (3 in all): more than 50000 "
                        + "waited. Clients of the other servers' streams miss them; the stored execution logs are whole"));

        lines(2);
        assertThat(live.reportDropped(now + TimeUnit.SECONDS.toNanos(59))).as("a flood is one line a minute").isFalse();
        assertThat(live.reportDropped(now + TimeUnit.SECONDS.toNanos(60))).isTrue();
        assertThat(warnings.list.get(1).getFormattedMessage()).startsWith(
                "2 live lines and events were not sent to the other servers since the last warning (5 in all)");
        assertThat(live.reportDropped(now + TimeUnit.MINUTES.toNanos(5))).as("no new drop: nothing to say").isFalse();
        assertThat(warnings.list).hasSize(2);
    }

    @Test
    void aClosedServerTakesNoMoreLinesAndDropsNone() {
        live.close();
        lines(ClusterLive.MAX_WAITING + 10);
        assertThat(live.dropped()).isZero();
    }
}
