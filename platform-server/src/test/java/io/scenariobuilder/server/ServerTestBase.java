package io.scenariobuilder.server;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh server per test, in its own folder; it fails the test when an event loop was blocked. */
abstract class ServerTestBase {

    @TempDir
    Path dir;

    ServerHarness h;

    /** Settings beyond the harness's defaults. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeEach
    void startServer() throws Exception {
        h = new ServerHarness(dir, settings());
    }

    @AfterEach
    void stopServer() {
        h.close();
    }
}
