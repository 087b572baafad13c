package io.scenariobuilder.server.trigger;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.Trigger;
import io.scenariobuilder.core.store.ScheduleTick;
import io.scenariobuilder.core.store.jdbc.JdbcScheduleStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenarios with a {@code schedule} trigger on their cron, in their time zone. Cron expressions have 5 fields
 * (Unix: minute hour day-of-month month day-of-week) or 6 with seconds first (Spring).
 *
 * <p>Each tick is claimed in the store before its execution starts ({@link JdbcScheduleStore#claim}), so a tick never
 * runs twice, whatever restarts or other servers do. After downtime, at most one catch-up run: for the latest tick
 * missed, marked {@code "catchUp": true}. Trigger data: {@code {scheduledTime, firedAt, catchUp}}.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final ExecutionEngine engine;
    private final JdbcScheduleStore ticks;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sb-scheduler").daemon().factory());
    private final Map<String, Planned> planned = new ConcurrentHashMap<>();

    private record Planned(Scenario scenario, ExecutionTime times, ZoneId zone, ScheduledFuture<?> next) {
    }

    public Scheduler(ExecutionEngine engine, JdbcScheduleStore ticks, Clock clock) {
        this.engine = engine;
        this.ticks = ticks;
        this.clock = clock;
    }

    /**
     * Parses a cron expression.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static Cron parse(String expression) {
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        try {
            return switch (fields) {
                case 5 -> UNIX.parse(trimmed).validate();
                case 6 -> WITH_SECONDS.parse(trimmed).validate();
                default -> throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day month weekday) "
                        + "or 6 with seconds first; '" + expression + "' has " + fields);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("a cron expression") ? e.getMessage()
                    : "invalid cron expression '" + expression + "': " + e.getMessage(), e);
        }
    }

    /**
     * Plans (or re-plans) a scenario. One without a schedule trigger is unplanned. Blocking (a store read). With
     * {@code catchUp}, a tick missed since the last run runs once now.
     */
    public void schedule(Scenario scenario, boolean catchUp) {
        unschedule(scenario.id(), false);
        if (!(scenario.trigger() instanceof Trigger.Schedule schedule)) {
            return;
        }
        ExecutionTime times = ExecutionTime.forCron(parse(schedule.cron()));
        ZoneId zone = ZoneId.of(schedule.timezone());
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        Optional<ZonedDateTime> lastDue = times.lastExecution(now);
        Optional<Instant> lastRun = ticks.lastTick(scenario.id());
        if (lastDue.isPresent()) {
            Instant due = lastDue.get().toInstant();
            if (lastRun.isEmpty()) {
                ticks.claim(scenario.id(), due); // a new schedule starts from now: nothing before it is "missed"
            } else if (catchUp && lastRun.get().isBefore(due)) {
                fire(scenario, due, true);
            }
        }
        planNext(scenario, times, zone);
    }

    /** {@link #schedule} on the scheduler's own thread, for callers that must not block (a saved scenario). */
    public void scheduleLater(Scenario scenario) {
        timer.execute(() -> {
            try {
                schedule(scenario, false);
            } catch (RuntimeException e) {
                LOG.error("scenario {}: cannot plan its schedule: {}", scenario.id(), e.getMessage());
            }
        });
    }

    /** {@link #unschedule} (forgetting its ticks) on the scheduler's own thread. */
    public void unscheduleLater(String scenarioId) {
        timer.execute(() -> {
            try {
                unschedule(scenarioId, true);
            } catch (RuntimeException e) {
                LOG.error("scenario {}: cannot forget its schedule: {}", scenarioId, e.getMessage());
            }
        });
    }

    /** Stops running a scenario on its schedule (deleted, or its trigger changed). */
    public void unschedule(String scenarioId, boolean forget) {
        Planned previous = planned.remove(scenarioId);
        if (previous != null) {
            previous.next().cancel(false);
        }
        if (forget) {
            ticks.forget(scenarioId);
        }
    }

    private void planNext(Scenario scenario, ExecutionTime times, ZoneId zone) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        Optional<ZonedDateTime> next = times.nextExecution(now);
        if (next.isEmpty()) {
            LOG.info("scenario {}: its schedule has no future time", scenario.id());
            return;
        }
        Instant tick = next.get().toInstant();
        long delay = Math.max(0, Duration.between(clock.instant(), tick).toMillis());
        ScheduledFuture<?> future = timer.schedule(() -> {
            try {
                fire(scenario, tick, false);
            } finally {
                Planned current = planned.get(scenario.id());
                if (current != null && current.scenario() == scenario) {
                    planNext(scenario, times, zone);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
        planned.put(scenario.id(), new Planned(scenario, times, zone, future));
    }

    /**
     * Starts the run of a tick. The tick is claimed in the transaction that stores the execution: a crash cannot lose
     * a claimed tick's run, and a tick that ran already (another server, or before a restart) stores nothing.
     */
    private void fire(Scenario scenario, Instant tick, boolean catchUp) {
        try {
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("scheduledTime", tick.toString());
            data.put("firedAt", clock.instant().toString());
            data.put("catchUp", catchUp);
            engine.start(scenario, data, TraceContext.fresh(), new ScheduleTick(scenario.id(), tick)).accepted().whenComplete((stored, failure) -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause == null) {
                    LOG.info("scenario {}: started for {}{}", scenario.id(), tick, catchUp ? " (catch-up after downtime)" : "");
                } else if (cause instanceof ScheduleTick.AlreadyRunException) {
                    LOG.debug("scenario {}: the tick {} ran already", scenario.id(), tick);
                } else {
                    LOG.error("scenario {}: the scheduled run for {} could not start (it runs at the next start, as a "
                            + "missed tick): {}", scenario.id(), tick, cause.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.error("scenario {}: the scheduled run for {} could not start: {}", scenario.id(), tick, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        planned.clear();
    }
}
