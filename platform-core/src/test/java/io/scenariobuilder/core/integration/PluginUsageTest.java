package io.scenariobuilder.core.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A retired plugin version is stopped and unloaded when its last execution ends, never on the thread that ended it
 * (the store's writer, whose commits would all wait for the plugin's stop()).
 */
class PluginUsageTest {

    @Test
    void theLastReleaseRunsTheUnloadOnAThreadOfItsOwn() throws Exception {
        PluginUsage usage = new PluginUsage("shop", "1.0.0");
        assertThat(usage.tryAcquire()).isTrue();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        usage.retire(() -> ranOn.complete(Thread.currentThread()));
        assertThat(ranOn).as("still in use").isNotDone();

        usage.release();
        Thread unloading = ranOn.get(10, TimeUnit.SECONDS);
        assertThat(unloading).isNotSameAs(Thread.currentThread());
        assertThat(unloading.getName()).startsWith("sb-plugin-idle-shop");
        assertThat(usage.tryAcquire()).as("retired: takes no new execution").isFalse();
    }

    @Test
    void retiringAnIdleVersionUnloadsItAtOnceOnTheCallersThread() {
        PluginUsage usage = new PluginUsage("shop", "1.0.0");
        Thread[] ranOn = new Thread[1];
        usage.retire(() -> ranOn[0] = Thread.currentThread());
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    }
}
