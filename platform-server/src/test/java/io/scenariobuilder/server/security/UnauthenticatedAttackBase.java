package io.scenariobuilder.server.security;

import io.scenariobuilder.server.ServerHarness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A server for the attacks by someone without a key (its bodies may be up to 20 MB). */
abstract class UnauthenticatedAttackBase {

    @TempDir
    Path dir;

    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of("SB_MAX_BODY_BYTES", String.valueOf(20 * 1024 * 1024)));
    }

    @AfterEach
    void stop() {
        h.close();
    }
}
