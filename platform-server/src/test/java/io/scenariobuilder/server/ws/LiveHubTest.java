package io.scenariobuilder.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub's rules, with sockets faked so that a test decides when one takes more. */
class LiveHubTest {

    private final ExecutorService eventLoop = Executors.newSingleThreadExecutor();
    private LiveHub<Integer> hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        eventLoop.shutdownNow();
    }

    /** A socket whose buffer is "full" while {@code blocked}. */
    final class FakeSocket implements LiveHub.Sink {
        final List<String> received = new CopyOnWriteArrayList<>();
        volatile boolean blocked;
        volatile Runnable drain;
        volatile String closedWith;

        @Override
        public boolean writeQueueFull() {
            return blocked;
        }

        @Override
        public void write(LiveHub.Message message) {
            received.add(new String(message.utf8(), java.nio.charset.StandardCharsets.UTF_8));
        }

        final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        @Override
        public void onDrain(Runnable then) {
            drain = then;
        }

        @Override
        public void close(short status, String reason) {
            closedWith = status + " " + reason;
        }

        @Override
        public void runOnContext(Runnable task) {
            eventLoop.execute(task);
        }

        void unblock() {
            blocked = false;
            eventLoop.execute(drain);
        }

        List<Integer> numbers() {
            return received.stream().filter(m -> !m.startsWith("{")).map(Integer::valueOf).toList();
        }
    }

    @Test
    void closingTheHubClosesItsClientsAsGoingAway() {
        hub = new LiveHub<>("test", 100, 0, Duration.ofSeconds(30));
        FakeSocket socket = new FakeSocket();
        hub.connect(socket, item -> true, 0);
        await().until(() -> hub.clients() == 1);

        hub.close();

        await().until(() -> socket.closedWith != null);
        assertThat(socket.closedWith).isEqualTo("1001 the server is shutting down");
    }

    /** Items published one by one at 10,000 a second reach a socket in rounds: a write carries many, not one. */
    @Test
    void itemsGoOutInRoundsNotOneWriteEach() {
        hub = new LiveHub<>("test", 10_000, 0, Duration.ofSeconds(30));
        FakeSocket socket = new FakeSocket();
        hub.connect(socket, item -> true, 0);
        await().until(() -> hub.clients() == 1);
        long start = System.nanoTime();
        for (int i = 0; i < 2_000; i++) { // 0.2 s of items, each at its time
            long due = start + i * 100_000L;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            hub.publish(i);
        }
        await().until(() -> socket.numbers().size() == 2_000);
        assertThat(socket.numbers()).isEqualTo(java.util.stream.IntStream.range(0, 2_000).boxed().toList());
        // 10 ms rounds over 0.2 s: about 20 writes; one per item would be 2,000.
        assertThat(socket.flushes.get()).as("writes for 2,000 items").isLessThan(200);
    }

    @Test
    void aClientGetsTheReplayThenEveryMatchingItemInOrder() {
        hub = new LiveHub<>("test", 1_000, 5, Duration.ofSeconds(30));
        for (int i = 1; i <= 8; i++) {
            hub.publish(i);
        }
        FakeSocket evens = new FakeSocket();
        // Joining goes through the same dispatcher as publishing, after what was published before: the replay sees 1..8.
        hub.connect(evens, n -> n % 2 == 0, 2);
        for (int i = 9; i <= 12; i++) {
            hub.publish(i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> evens.numbers().size() == 4);
        // The history holds 4..8; the last two even ones of it are 6 and 8; then 10 and 12 live.
        assertThat(evens.numbers()).containsExactly(6, 8, 10, 12);
    }

    @Test
    void aSlowClientLosesLinesAndIsToldWhereWhileOthersGetAll() {
        hub = new LiveHub<>("test", 100, 0, Duration.ofSeconds(30));
        FakeSocket slow = new FakeSocket();
        FakeSocket fast = new FakeSocket();
        slow.blocked = true;
        LiveHub<Integer>.Client slowClient = hub.connect(slow, n -> true, 0);
        hub.connect(fast, n -> true, 0);
        await().until(() -> hub.clients() == 2);
        for (int chunk = 0; chunk < 5; chunk++) {
            for (int i = chunk * 100; i < (chunk + 1) * 100; i++) {
                hub.publish(i);
            }
            int expected = (chunk + 1) * 100;
            await().atMost(Duration.ofSeconds(5)).until(() -> fast.numbers().size() == expected); // it keeps up
        }
        assertThat(fast.numbers()).isSortedAccordingTo(Integer::compare).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(5)).until(() -> slowClient.dropped() == 400);

        slow.unblock();
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.received.size() == 101); // the 100, then the notice at once
        hub.publish(500);
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.received.size() == 102);
        // The first 100 fitted its queue, the next 400 were dropped, and the notice stands where they would have been.
        assertThat(slow.received.subList(0, 100)).isEqualTo(range(0, 100).stream().map(String::valueOf).toList());
        assertThat(slow.received.get(100)).isEqualTo("{\"type\":\"dropped\",\"count\":400}");
        assertThat(slow.received.get(101)).isEqualTo("500");
        assertThat(hub.dropped()).isEqualTo(400);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    @Test
    void aClientThatTakesNothingPastTheLimitIsClosedWithAReason() {
        hub = new LiveHub<>("test", 10, 0, Duration.ofMillis(300));
        FakeSocket stuck = new FakeSocket();
        stuck.blocked = true;
        LiveHub<Integer>.Client client = hub.connect(stuck, n -> true, 0);
        for (int i = 0; i < 50; i++) {
            hub.publish(i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> stuck.closedWith != null);
        assertThat(stuck.closedWith).startsWith("1008 too slow: took nothing for 300 ms;").contains("messages dropped");
        assertThat(hub.clients()).isZero();
        assertThat(client.dropped()).isPositive();
        assertThat(hub.dropped()).isPositive();
    }

    @Test
    void publishingNeverWaitsEvenWithNobodyReading() throws Exception {
        hub = new LiveHub<>("test", 10, 10, Duration.ofSeconds(30));
        FakeSocket stuck = new FakeSocket();
        stuck.blocked = true;
        hub.connect(stuck, n -> true, 0);
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(publishers.submit(() -> {
                    for (int i = 0; i < 200_000; i++) {
                        hub.publish(i);
                    }
                }));
            }
            for (var f : done) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS); // returns: no publisher ever waited on the stuck client
            }
        } finally {
            publishers.shutdownNow();
        }
    }
}
