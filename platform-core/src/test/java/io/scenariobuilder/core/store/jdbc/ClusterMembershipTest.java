package io.scenariobuilder.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import io.scenariobuilder.core.store.ResumableExecution;
import io.scenariobuilder.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several servers on one PostgreSQL: each is a row whose heartbeat it renews; the unfinished executions of one whose
 * heartbeat is older than the lease (or that left) are claimed by another, once, even when two claim at the same moment.
 */
class ClusterMembershipTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScenarioSnapshot SNAPSHOT;

    static {
        try {
            SNAPSHOT = new ScenarioSnapshot("h1", JSON.readTree("{\"id\": \"s\", \"nodes\": []}"));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StoreSettings settings = TestPostgres.freshDatabase();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private JdbcExecutionStore store() {
        JdbcExecutionStore store = new JdbcExecutionStore(settings);
        open.add(store);
        return store;
    }

    private ClusterMembership join(JdbcExecutionStore store, String name) {
        ClusterMembership member = ClusterMembership.join(store.dataSource(), name, LEASE);
        store.ownedBy(member.id());
        open.add(member);
        return member;
    }

    private static void done(CompletionStage<Void> write) {
        write.toCompletableFuture().join();
    }

    private static void create(JdbcExecutionStore store, String id, ExecutionStatus status) {
        done(store.executionCreated(id, "s", 1, SNAPSHOT, JSON.createObjectNode(), ExecutionStatus.QUEUED, Instant.now(), TraceContext.fresh()));
        if (status != ExecutionStatus.QUEUED) {
            done(store.executionUpdated(id, status, status.isFinal() ? Instant.now() : null, null));
        }
    }

    private static String owner(JdbcExecutionStore store, String executionId) throws Exception {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement st = c.prepareStatement("SELECT owner FROM executions WHERE id = ?")) {
            st.setString(1, executionId);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void theExecutionsOfAServerWhoseHeartbeatStoppedAreClaimedOnceByAnother() throws Exception {
        JdbcExecutionStore a = store();
        JdbcExecutionStore b = store();
        ClusterMembership memberA = join(a, "a:1");
        ClusterMembership memberB = join(b, "b:2");
        memberB.start(() -> { }, message -> { }); // B beats; A never does, as a killed process
        create(a, "running", ExecutionStatus.RUNNING);
        create(a, "paused", ExecutionStatus.PAUSED);
        create(a, "done", ExecutionStatus.COMPLETED);
        assertThat(owner(a, "running")).isEqualTo(memberA.id());
        assertThat(memberB.members()).extracting(ClusterMembership.Member::name).containsExactly("a:1", "b:2");

        // A is alive: nothing to claim.
        assertThat(b.claimOrphans(LEASE, 100)).isEmpty();

        // After the lease, A's unfinished executions go to B, once.
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.claimOrphans(LEASE, 100).isEmpty()
                || owner(b, "running").equals(memberB.id()));
        assertThat(owner(b, "running")).isEqualTo(memberB.id());
        assertThat(owner(b, "paused")).isEqualTo(memberB.id());
        assertThat(owner(b, "done")).as("finished executions stay as they were").isEqualTo(memberA.id());
        assertThat(b.claimOrphans(LEASE, 100)).isEmpty();
        // The running one counts an unclean stop, as after a crash; the paused one does not.
        assertThat(b.load("running").orElseThrow().uncleanStops()).isEqualTo(1);
        assertThat(b.load("paused").orElseThrow().uncleanStops()).isZero();

        // A comes back: it was taken for stopped, and is told to stop rather than run beside B.
        assertThat(memberA.beat()).contains("was taken for stopped");
        assertThat(memberB.beat()).isNull();
    }

    @Test
    void aServerThatLeavesCleanlyHandsItsExecutionsOverAtOnceWithoutAnUncleanStop() throws Exception {
        JdbcExecutionStore a = store();
        JdbcExecutionStore b = store();
        ClusterMembership memberA = join(a, "a");
        ClusterMembership memberB = join(b, "b");
        create(a, "e1", ExecutionStatus.RUNNING);
        memberA.close();
        List<ResumableExecution> claimed = b.claimOrphans(LEASE, 100);
        assertThat(claimed).extracting(ResumableExecution::id).containsExactly("e1");
        assertThat(claimed.get(0).uncleanStops()).isZero();
        assertThat(claimed.get(0).trigger()).isEqualTo(JSON.createObjectNode());
        assertThat(owner(b, "e1")).isEqualTo(memberB.id());
        assertThat(memberB.members()).extracting(ClusterMembership.Member::id).containsExactly(memberB.id());
    }

    @Test
    void aServerDeadLongAgoIsForgottenOnceNoUnfinishedExecutionNamesIt() throws Exception {
        JdbcExecutionStore a = store();
        JdbcExecutionStore b = store();
        ClusterMembership memberA = join(a, "a");
        ClusterMembership memberB = join(b, "b");
        memberB.start(() -> { }, message -> { }); // B beats; A never does
        create(a, "left", ExecutionStatus.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> memberB.members().get(0).heartbeatAgeMs() > 1_000);
        assertThat(memberB.forgetLongDead(Duration.ofMillis(1_000))).as("A's unfinished execution still names it").isZero();
        assertThat(b.claimOrphans(Duration.ofMillis(1_000), 10)).hasSize(1);
        assertThat(memberB.forgetLongDead(Duration.ofMillis(1_000))).isEqualTo(1);
        assertThat(memberA.members()).extracting(ClusterMembership.Member::id).containsExactly(memberB.id());
    }

    @Test
    void theErrorNotificationsOfAServerThatLeftAreSentByOneOtherServerOnly() throws Exception {
        JdbcExecutionStore a = store();
        JdbcExecutionStore b = store();
        JdbcExecutionStore c = store();
        ClusterMembership memberA = join(a, "a");
        join(b, "b").start(() -> { }, message -> { });
        join(c, "c").start(() -> { }, message -> { });
        create(a, "failed", ExecutionStatus.RUNNING);
        done(a.executionFailed("failed", Instant.now(), new io.scenariobuilder.core.engine.ExecutionError(
                io.scenariobuilder.api.error.ErrorType.INVALID_INPUT, "boom", null),
                new io.scenariobuilder.core.store.ErrorNotification("failed", "alerts", JSON.createObjectNode(), null, null, Instant.now())));
        // A is alive: it sends its own; nobody else takes it.
        assertThat(b.pendingNotifications()).isEmpty();
        // A leaves: exactly one of B and C takes it, once.
        memberA.close();
        List<io.scenariobuilder.core.store.ErrorNotification> taken = new ArrayList<>(b.pendingNotifications());
        taken.addAll(c.pendingNotifications());
        taken.addAll(b.pendingNotifications());
        assertThat(taken).extracting(io.scenariobuilder.core.store.ErrorNotification::failedExecutionId).containsExactly("failed");
    }

    @Test
    void twoServersClaimingAtOnceTakeDifferentExecutions() throws Exception {
        JdbcExecutionStore gone = store();
        join(gone, "gone").close();
        gone.ownedBy("sb-gone");
        for (int i = 0; i < 200; i++) {
            create(gone, "e" + i, ExecutionStatus.RUNNING);
        }
        JdbcExecutionStore b = store();
        JdbcExecutionStore c = store();
        join(b, "b");
        join(c, "c");
        List<String> claimed = new CopyOnWriteArrayList<>();
        var pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> claims = new ArrayList<>();
            for (JdbcExecutionStore store : List.of(b, c)) {
                claims.add(pool.submit(() -> {
                    List<ResumableExecution> batch;
                    while (!(batch = store.claimOrphans(LEASE, 7)).isEmpty()) {
                        batch.forEach(e -> claimed.add(e.id()));
                    }
                }));
            }
            for (Future<?> claim : claims) {
                claim.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void aServerThatCannotReachTheDatabaseForHalfTheLeaseIsToldToStop() throws Exception {
        JdbcExecutionStore a = store();
        ClusterMembership member = join(a, "a");
        List<String> fenced = new CopyOnWriteArrayList<>();
        member.start(() -> { }, fenced::add);
        // Its row taken away (as another server does to one taken for stopped): the next heartbeat says so.
        try (Connection c = a.dataSource().getConnection(); PreparedStatement st = c.prepareStatement("DELETE FROM instances")) {
            st.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !fenced.isEmpty());
        assertThat(fenced).singleElement().asString().contains("taken for stopped");
        assertThatThrownBy(() -> ClusterMembership.join(a.dataSource(), "x", Duration.ofMillis(10)))
                .hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> store().claimOrphans(LEASE, 1)).as("no owner yet").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aServerThatCannotReachTheDatabaseForHalfTheLeaseIsToldToStopAndNotBefore() throws Exception {
        JdbcExecutionStore a = store();
        OutageDataSource door = new OutageDataSource(a.dataSource());
        ClusterMembership member = ClusterMembership.join(door.dataSource(), "a", LEASE);
        open.add(member);
        List<String> fenced = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
        member.start(() -> {
            claims.incrementAndGet(); // what serve does here reads the database: while that fails, it is only logged
            if (fenced.isEmpty()) {
                throw new IllegalStateException("cannot claim: " + OutageDataSource.REFUSED);
            }
        }, fenced::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> claims.get() >= 2);
        assertThat(fenced).as("a failing claim is not a reason to stop").isEmpty();

        long cut = System.nanoTime();
        door.down(true);
        await().atMost(LEASE.multipliedBy(3)).until(() -> !fenced.isEmpty());
        long silentMs = (System.nanoTime() - cut) / 1_000_000;
        // Half the lease since the last heartbeat, which came at most a beat (a quarter of the lease) before the cut.
        assertThat(silentMs).as("not at the first failed heartbeat").isGreaterThanOrEqualTo(LEASE.toMillis() / 4 - 100);
        assertThat(fenced).singleElement().asString()
                .contains("could not renew its heartbeat for")
                .contains(OutageDataSource.REFUSED)
                .contains("after " + LEASE.toMillis() + " ms the others take its executions, so it stops first");
    }
}
