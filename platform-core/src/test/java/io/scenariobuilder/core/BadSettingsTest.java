package io.scenariobuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import org.junit.jupiter.api.Test;

/**
 * The settings an embedding program (or the server, from SB_* values it checked already) gives the engine and the
 * store, and the trace ids taken from outside: a value that cannot work is refused at once, naming it, rather than
 * failing later inside a run.
 */
class BadSettingsTest {

    @Test
    void engineSettingsThatCannotWorkAreNamed() {
        assertThatThrownBy(() -> new EngineSettings(0, 100, null)).hasMessage("engineThreads must be at least 1: 0");
        assertThatThrownBy(() -> new EngineSettings(2, 0, null)).hasMessage("maxRetainedExecutions must be at least 1: 0");
        assertThatThrownBy(() -> new EngineSettings(2, 100, null, 0)).hasMessage("maxInFlightOutputBytes must be positive: 0");
        assertThatThrownBy(() -> new EngineSettings(2, 100, null, 1, 0)).hasMessage("maxRetryDelayMs must be positive: 0");
        assertThat(new EngineSettings(1, 1, 7L, 1, 1).engineThreads()).isEqualTo(1);
    }

    @Test
    void storeSettingsThatCannotWorkAreNamed() {
        assertThatThrownBy(() -> new StoreSettings("jdbc:mysql://db/sb", null, null, false, 100, 1 << 20))
                .hasMessageContaining("unsupported database URL");
        assertThatThrownBy(() -> new StoreSettings("jdbc:sqlite:x.db", null, null, false, 0, 1 << 20))
                .hasMessage("maxBatch must be at least 1");
        assertThatThrownBy(() -> new StoreSettings("jdbc:sqlite:x.db", null, null, false, 1, 1_023))
                .hasMessage("maxOutputBytes must be at least 1024");
        StoreSettings postgres = new StoreSettings("jdbc:postgresql://db/sb", "sb", "pw", false, 100, 1_024);
        assertThat(postgres.sqlite()).isFalse();
        assertThat(postgres.sqliteFile()).as("no file to name").isEmpty();
        assertThat(new StoreSettings("jdbc:sqlite::memory:", null, null, false, 1, 1_024).sqliteFile()).as("in memory").isEmpty();
    }

    @Test
    void traceIdsThatAreNotW3cIdsAreRefused() {
        String trace = TraceContext.newTraceId();
        assertThatThrownBy(() -> new TraceContext(trace, "not-a-span", null)).hasMessage("not a span id: not-a-span");
        assertThatThrownBy(() -> new TraceContext(trace, TraceContext.newSpanId(), "0000000000000000"))
                .hasMessage("not a span id: 0000000000000000");
        assertThatThrownBy(() -> new TraceContext("0".repeat(32), TraceContext.newSpanId(), null)).hasMessageStartingWith("not a trace id");
    }
}
