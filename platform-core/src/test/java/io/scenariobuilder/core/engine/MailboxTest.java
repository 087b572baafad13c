package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An execution's mailbox: one task at a time, in order, no thread held while idle, a failing task not the end of it. */
class MailboxTest {

    private final ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeInTheOrderEachThreadGaveThem() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(pool, failures::add);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> ran = new CopyOnWriteArrayList<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(3)) {
            for (int sender = 0; sender < 3; sender++) {
                int s = sender;
                senders.execute(() -> {
                    for (int i = 0; i < 500; i++) {
                        int n = i;
                        mailbox.execute(() -> {
                            if (running.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            ran.add(s + ":" + n);
                            running.decrementAndGet();
                        });
                    }
                });
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 1500);
        assertThat(overlaps).hasValue(0);
        for (int sender = 0; sender < 3; sender++) {
            String prefix = sender + ":";
            assertThat(ran.stream().filter(task -> task.startsWith(prefix)).map(task -> Integer.parseInt(task.substring(2))).toList())
                    .isSorted();
        }
        assertThat(failures).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);
        assertThat(pool.getActiveCount()).as("idle: no thread held").isZero();
    }

    @Test
    void aTaskThatThrowsIsReportedAndTheNextOnesStillRun() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(pool, failures::add);
        CountDownLatch after = new CountDownLatch(1);
        mailbox.execute(() -> {
            throw new IllegalStateException("a bug in one step");
        });
        mailbox.execute(after::countDown);
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).singleElement().satisfies(failure -> assertThat(failure).hasMessage("a bug in one step"));
    }

    @Test
    void afterTheEngineClosedATaskIsDroppedWithoutThrowing() throws Exception {
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        AtomicInteger ran = new AtomicInteger();
        Mailbox mailbox = new Mailbox(closed, failure -> { });
        mailbox.execute(ran::incrementAndGet);
        mailbox.execute(ran::incrementAndGet);
        assertThat(ran).hasValue(0);
    }
}
