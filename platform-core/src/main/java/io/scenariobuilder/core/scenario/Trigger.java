package io.scenariobuilder.core.scenario;

import java.util.Objects;

/** How executions of a scenario start. */
public sealed interface Trigger {

    /** The wire name of the type: {@code manual}, {@code webhook} or {@code schedule}. */
    String type();

    /** Started through the API only. */
    record Manual() implements Trigger {
        @Override
        public String type() {
            return "manual";
        }
    }

    /**
     * Started by an HTTP call to {@code /hooks/{path}}.
     *
     * @param path the hook path
     * @param method the HTTP method (upper case)
     * @param secret the HMAC-SHA256 secret, or {@code null}
     * @param exposeErrors whether a caller waiting with {@code ?wait=true} is told a failed node's error message (it may
     *     hold upstream data); by default only the execution's id, status and error type
     */
    record Webhook(String path, String method, String secret, boolean exposeErrors) implements Trigger {
        public Webhook {
            Objects.requireNonNull(path, "path");
            method = Objects.requireNonNullElse(method, "POST");
        }

        /** A webhook that keeps a failed execution's error to itself (the default). */
        public Webhook(String path, String method, String secret) {
            this(path, method, secret, false);
        }

        @Override
        public String type() {
            return "webhook";
        }
    }

    /**
     * Started on a cron schedule.
     *
     * @param cron the cron expression
     * @param timezone the zone the cron is read in (default UTC)
     */
    record Schedule(String cron, String timezone) implements Trigger {
        public Schedule {
            Objects.requireNonNull(cron, "cron");
            timezone = Objects.requireNonNullElse(timezone, "UTC");
        }

        @Override
        public String type() {
            return "schedule";
        }
    }
}
