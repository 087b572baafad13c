-- The last cron tick each scheduled scenario ran for: a tick is claimed here before its execution starts, so one
-- tick never runs twice (several servers on one PostgreSQL database, or a restart), and missed ticks are known.
CREATE TABLE schedule_ticks (
    scenario_id VARCHAR(64) NOT NULL PRIMARY KEY,
    last_tick   BIGINT      NOT NULL
);
