package io.scenariobuilder.server.http;

import com.cronutils.model.time.ExecutionTime;
import io.scenariobuilder.server.trigger.Scheduler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/schedules/next?cron=&timezone=&count=}: the next run times of a cron expression, as the scheduler
 * will compute them (the same parser, the same time zone rules), so that an editor can show them before saving.
 */
public final class ScheduleRoutes {

    static final int MAX_COUNT = 20;

    private final Clock clock;

    public ScheduleRoutes(Clock clock) {
        this.clock = clock;
    }

    public void mount(Router router) {
        router.get("/api/v1/schedules/next").handler(this::next);
    }

    private void next(RoutingContext ctx) {
        String cron = ctx.queryParams().get("cron");
        if (cron == null || cron.isBlank()) {
            throw ApiException.badRequest("cron is missing: give a cron expression, e.g. ?cron=*/5 * * * *");
        }
        String timezone = Optional.ofNullable(ctx.queryParams().get("timezone")).filter(z -> !z.isBlank()).orElse("UTC");
        ZoneId zone;
        try {
            zone = ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("unknown time zone '" + timezone + "': use an IANA name such as Europe/Paris or UTC");
        }
        int count = count(ctx.queryParams().get("count"));
        ExecutionTime times;
        try {
            times = ExecutionTime.forCron(Scheduler.parse(cron));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<String> next = new ArrayList<>(count);
        ZonedDateTime at = ZonedDateTime.now(clock.withZone(zone));
        for (int i = 0; i < count; i++) {
            Optional<ZonedDateTime> time = times.nextExecution(at);
            if (time.isEmpty()) {
                break; // a schedule with no more times (a fixed year past)
            }
            at = time.get();
            next.add(at.toOffsetDateTime().toString());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cron", cron);
        out.put("timezone", zone.getId());
        out.put("next", next);
        Http.json(ctx, 200, out);
    }

    private static int count(String text) {
        if (text == null) {
            return 3;
        }
        try {
            int count = Integer.parseInt(text);
            if (count < 1 || count > MAX_COUNT) {
                throw ApiException.badRequest("count must be from 1 to " + MAX_COUNT + ", got " + count);
            }
            return count;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("count must be a whole number, got '" + text + "'");
        }
    }
}
