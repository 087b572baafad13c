package io.scenariobuilder.server.ws;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.server.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 clients on the live log stream, one of which never reads, while 10,000 lines a second are produced for 10
 * seconds: every other client gets every line, in order; the one that never reads is closed with a reason and never
 * slows the others. (The engine's throughput with and without clients is measured by the bench, not here.)
 */
@ExtendWith(VertxExtension.class)
class LiveStreamLoadTest {

    static final int CLIENTS = 50;
    static final int PER_SECOND = 10_000;
    static final int SECONDS = 10;
    static final int LINES = PER_SECOND * SECONDS;

    @TempDir
    Path dir;

    private ServerHarness h;
    private Vertx clients;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of("SB_STREAM_STALL_MS", "5000"));
        clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    @AfterEach
    void stop() {
        clients.close().await();
        h.close();
    }

    private static final byte[] MARK = "\"message\":\"line ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The n of {@code "message":"line n"} in a frame, or -1. */
    static int lineNumber(io.vertx.core.buffer.Buffer bytes) {
        int length = bytes.length();
        outer:
        for (int i = 0; i + MARK.length < length; i++) {
            for (int j = 0; j < MARK.length; j++) {
                if (bytes.getByte(i + j) != MARK[j]) {
                    continue outer;
                }
            }
            int n = 0;
            for (int k = i + MARK.length; k < length && bytes.getByte(k) != '"'; k++) {
                n = n * 10 + (bytes.getByte(k) - '0');
            }
            return n;
        }
        return -1;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyReadingClientGetsEveryLineInOrderAndTheStalledOneIsClosed(VertxTestContext test) throws Exception {
        WebSocketClient ws = clients.createWebSocketClient();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.server.port())
                .setURI("/api/v1/logs/stream?scenarioId=load&replay=0&token=" + ADMIN_KEY);
        Checkpoint allLines = test.checkpoint(CLIENTS - 1);
        Checkpoint stalledClosed = test.checkpoint();
        Checkpoint connected = test.checkpoint(CLIENTS);
        AtomicInteger ready = new AtomicInteger();
        List<String> problems = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.WebSocket> stalledSocket =
                new java.util.concurrent.atomic.AtomicReference<>();
        for (int c = 0; c < CLIENTS; c++) {
            boolean stalled = c == 0;
            ws.connect(options).onComplete(test.succeeding(socket -> {
                if (stalled) {
                    socket.pause(); // never reads: the server's writes back up
                    stalledSocket.set(socket);
                    socket.closeHandler(closed -> {
                        test.verify(() -> {
                            assertThat(socket.closeStatusCode()).isEqualTo((short) 1008);
                            assertThat(socket.closeReason()).startsWith("too slow");
                        });
                        stalledClosed.flag();
                    });
                } else {
                    int[] expected = {0};
                    socket.frameHandler(frame -> {
                        // The line number straight from the bytes: decoding 4.9 million frames into strings would make the
                        // test's own clients the bottleneck on two cores.
                        io.vertx.core.buffer.Buffer bytes = frame.binaryData();
                        int n = lineNumber(bytes);
                        if (n < 0) {
                            problems.add("unexpected message: " + bytes);
                            return;
                        }
                        if (n != expected[0]) {
                            problems.add("expected line " + expected[0] + ", got " + n);
                        }
                        expected[0] = n + 1;
                        if (n == LINES - 1) {
                            allLines.flag();
                        }
                    });
                }
                ready.incrementAndGet();
                connected.flag();
            }));
        }
        while (ready.get() < CLIENTS && !test.completed()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // waiting for connections only; the lines are paced below
        }
        // Clients are registered by the hub's dispatcher in order with what is published: give it the joins first.
        LiveHub<LogEntry> hub = h.server.liveLogs();
        while (hub.clients() < CLIENTS) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        Thread producer = Thread.ofPlatform().name("load-producer").start(() -> {
            long start = System.nanoTime();
            Instant now = Instant.now();
            for (int n = 0; n < LINES; n++) {
                // 10,000 a second: line n is due at start + n * 100 µs.
                long due = start + n * (1_000_000_000L / PER_SECOND);
                long wait = due - System.nanoTime();
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait);
                }
                hub.publish(new LogEntry(now, LogLevel.INFO, "execution", "line " + n, "e-load", "load", "n", null, null));
            }
        });
        producer.join();
        // The server gave up on the client that took nothing (SB_STREAM_STALL_MS, 5 s here); it hears so once it reads.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> hub.clients() == CLIENTS - 1);
        assertThat(hub.dropped()).as("dropped for the client that never read").isPositive();
        clients.runOnContext(ignored -> stalledSocket.get().resume());
        test.awaitCompletion(60, TimeUnit.SECONDS);
        assertThat(problems).as("every line, in order, to every reading client").isEmpty();
        assertThat(test.failed()).as(String.valueOf(test.causeOfFailure())).isFalse();
    }
}
