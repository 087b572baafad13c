package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.store.jdbc.InstanceLock;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestPostgres;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server per database: a second one on the same store refuses to start, naming the first. */
class InstanceLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondProcessOnTheSameSqliteFolderIsRefusedWithTheHolderNamed() throws Exception {
        StoreSettings settings = StoreSettings.embedded(dir);
        try (InstanceLock held = InstanceLock.acquire(settings)) {
            assertThatThrownBy(() -> InstanceLock.acquire(settings)).isInstanceOf(InstanceLock.HeldException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid()).hasMessageContaining(dir.toString());
            // Another process: the lock is the operating system's, not this JVM's.
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Other.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String said = new String(other.getInputStream().readAllBytes());
            assertThat(said).contains("another Scenario Builder server is using the data folder", "pid " + ProcessHandle.current().pid());
        }
        try (InstanceLock again = InstanceLock.acquire(settings)) {
            assertThat(again).as("released by the first").isNotNull();
        }
    }

    @Test
    void aSecondServerOnTheSamePostgresDatabaseIsRefusedWithTheHolderNamed() {
        StoreSettings settings = TestPostgres.freshDatabase();
        try (InstanceLock held = InstanceLock.acquire(settings)) {
            assertThatThrownBy(() -> InstanceLock.acquire(settings)).isInstanceOf(InstanceLock.HeldException.class)
                    .hasMessageContaining("scenario-builder pid " + ProcessHandle.current().pid());
        }
        try (InstanceLock again = InstanceLock.acquire(settings)) {
            assertThat(again).as("released when the first closed its session").isNotNull();
        }
    }

    /** The other process of the SQLite test: tries to take the lock, prints what it was told. */
    public static final class Other {
        public static void main(String[] args) {
            try (InstanceLock lock = InstanceLock.acquire(StoreSettings.embedded(Path.of(args[0])))) {
                System.out.println("took it");
            } catch (InstanceLock.HeldException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
