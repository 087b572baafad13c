package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.store.jdbc.InstanceLock;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second server on the data folder of a running one refuses to start, and the first goes on. */
class SecondServerTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameDataFolderRefusesToStartAndTheFirstGoesOn() throws Exception {
        try (ServerHarness first = new ServerHarness(dir, Map.of())) {
            assertThatThrownBy(() -> new ServerHarness(dir, Map.of()))
                    .isInstanceOf(InstanceLock.HeldException.class)
                    .hasMessageContaining("another Scenario Builder server is using the data folder")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            assertThat(first.get("/api/v1/scenarios").status()).isEqualTo(200);
        }
        // Once the first has stopped, a new one starts on the folder.
        try (ServerHarness again = new ServerHarness(dir, Map.of())) {
            assertThat(again.get("/health/ready").status()).isEqualTo(200);
        }
    }
}
