package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.store.jdbc.InstanceLock;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.ChildJvm;
import io.scenariobuilder.core.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
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
            Process other = new ProcessBuilder(ChildJvm.command(List.of(), Other.class, dir.toString()))
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
        // Released when the first closed its session (its backend ends a moment after the close returns).
        InstanceLock again = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .ignoreExceptionsInstanceOf(InstanceLock.HeldException.class).until(() -> InstanceLock.acquire(settings), java.util.Objects::nonNull);
        again.close();
    }

    @Test
    void theServersOfAClusterShareTheLockAndKeepAServerThatRunsAloneOut() {
        StoreSettings settings = TestPostgres.freshDatabase();
        try (InstanceLock first = InstanceLock.acquire(settings, true); InstanceLock second = InstanceLock.acquire(settings, true)) {
            assertThatThrownBy(() -> InstanceLock.acquire(settings)).isInstanceOf(InstanceLock.HeldException.class)
                    .hasMessageContaining("unless every server sets SB_CLUSTER=on");
        }
        // A closed session's locks go once its backend has ended, a moment after the close returns.
        InstanceLock alone = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .ignoreExceptionsInstanceOf(InstanceLock.HeldException.class).until(() -> InstanceLock.acquire(settings), java.util.Objects::nonNull);
        try (alone) {
            assertThatThrownBy(() -> InstanceLock.acquire(settings, true)).isInstanceOf(InstanceLock.HeldException.class)
                    .hasMessageContaining("runs alone (SB_CLUSTER=off)");
        }
        assertThatThrownBy(() -> InstanceLock.acquire(StoreSettings.embedded(java.nio.file.Path.of("unused")), true))
                .hasMessageContaining("SQLite is one server's");
    }

    @Test
    void aPostgresLockLostWithItsSessionIsTakenAgainOrTheServerIsToldWhoHasIt() throws Exception {
        StoreSettings settings = TestPostgres.freshDatabase();
        java.util.List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (InstanceLock held = InstanceLock.acquire(settings);
                java.sql.Connection admin = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            held.watch(lost::add);
            // The database drops the lock's session (as a restart or a failover does): the lock is taken again.
            assertThat(killHolder(admin)).isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> holders(admin) == 1);
            assertThatThrownBy(() -> InstanceLock.acquire(settings)).isInstanceOf(InstanceLock.HeldException.class);
            assertThat(lost).isEmpty();

            // Dropped again, and another server takes it first: this one is told who holds it, and stops.
            assertThat(killHolder(admin)).isEqualTo(1);
            InstanceLock competitor = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .ignoreExceptionsInstanceOf(InstanceLock.HeldException.class).until(() -> InstanceLock.acquire(settings), java.util.Objects::nonNull);
            try (competitor) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> !lost.isEmpty());
                assertThat(lost).singleElement().asString().contains("another server holds it now").contains("this one stops");
            }
        }
    }

    /** The server lock's advisory key ("scenario"). */
    private static final long ADVISORY_KEY = 0x7363656e6172696fL;

    private static int killHolder(java.sql.Connection admin) throws java.sql.SQLException {
        try (var st = admin.createStatement(); var rs = st.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = " + ADVISORY_KEY)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int holders(java.sql.Connection admin) throws java.sql.SQLException {
        try (var st = admin.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                + "AND ((classid::bigint << 32) | objid::bigint) = " + ADVISORY_KEY)) {
            rs.next();
            return rs.getInt(1);
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
