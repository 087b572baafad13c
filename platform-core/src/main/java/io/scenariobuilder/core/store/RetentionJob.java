package io.scenariobuilder.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes finished executions in the background, so the store stays bounded under steady load: those older than
 * {@code maxAge}, and those beyond the {@code keepPerScenario} newest of each scenario, with their logs.
 */
public final class RetentionJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final ExecutionStore store;
    private final Clock clock;
    private final Settings settings;
    private final ScheduledExecutorService timer;

    /**
     * What to keep.
     *
     * @param maxAge finished executions older than this go
     * @param keepPerScenario at most this many finished executions are kept per scenario
     * @param interval how often to prune
     */
    public record Settings(Duration maxAge, int keepPerScenario, Duration interval) {
        public Settings {
            Objects.requireNonNull(maxAge, "maxAge");
            Objects.requireNonNull(interval, "interval");
            if (keepPerScenario < 1) {
                throw new IllegalArgumentException("keepPerScenario must be at least 1");
            }
        }

        /** Defaults: 30 days, 10,000 per scenario, every minute. */
        public static Settings defaults() {
            return new Settings(Duration.ofDays(30), 10_000, Duration.ofMinutes(1));
        }
    }

    public RetentionJob(ExecutionStore store, Clock clock, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sb-retention").daemon().factory());
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::runOnce, every, every, TimeUnit.MILLISECONDS);
    }

    /** Prunes now; returns how many executions went. */
    public int runOnce() {
        try {
            int deleted = store.prune(clock.instant().minus(settings.maxAge()), settings.keepPerScenario())
                    .toCompletableFuture().join();
            if (deleted > 0) {
                LOG.info("retention: pruned {} finished execution(s)", deleted);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.error("retention: pruning failed: {}", e.toString());
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
