package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeError;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.engine.AttemptRecord;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link ExecutionStore} must do; each implementation's test extends this. */
public abstract class ExecutionStoreContract {

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    protected static final ScenarioSnapshot SNAPSHOT = new ScenarioSnapshot("h1", json("{\"id\": \"s\", \"nodes\": []}"));

    /** The store under test, fresh and empty. */
    protected abstract ExecutionStore store();

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    protected static void done(CompletionStage<Void> write) {
        try {
            write.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("write failed", e);
        }
    }

    @Test
    void anExecutionIsFoundWithItsNodesInTheOrderTheyFirstAppeared() {
        ExecutionStore store = store();
        done(store.executionCreated("e1", "s1", 3, SNAPSHOT, json("{\"order\": 7}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        done(store.executionUpdated("e1", ExecutionStatus.RUNNING, null, null));
        done(store.nodeUpdated("e1", new NodeRecord("b", NodeStatus.RUNNING, 1, T0, null, null, json("null"), null)));
        done(store.nodeUpdated("e1", new NodeRecord("a", NodeStatus.SKIPPED, 0, null, T0, null, json("null"), null)));
        done(store.nodeUpdated("e1", new NodeRecord("b", NodeStatus.COMPLETED, 1, T0, T0.plusMillis(40), 40L,
                json("{\"v\": [1, 2]}"), null)));

        ExecutionResult result = store.find("e1").orElseThrow();
        assertThat(result.scenarioId()).isEqualTo("s1");
        assertThat(result.scenarioVersion()).isEqualTo(3);
        assertThat(result.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(result.startTime()).isEqualTo(T0);
        assertThat(result.endTime()).isNull();
        assertThat(result.nodes()).extracting(NodeRecord::nodeId).containsExactly("b", "a");
        NodeRecord b = result.requireNode("b");
        assertThat(b.status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(b.duration()).isEqualTo(40L);
        assertThat(b.output()).isEqualTo(json("{\"v\": [1, 2]}"));
        assertThat(result.context().get("b")).isEqualTo(json("{\"v\": [1, 2]}"));
        assertThat(result.completedNodes()).isEqualTo(1);
        assertThat(result.totalNodes()).isEqualTo(2);
    }

    @Test
    void aFinishedExecutionKeepsItsEndTimeErrorsAndFailedNodes() {
        ExecutionStore store = store();
        done(store.executionCreated("e2", "s1", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        NodeError error = new NodeError(ErrorType.RATE_LIMITED, "slow down", true, 1_500L, 3, 3);
        var history = java.util.List.of(
                new io.scenariobuilder.core.engine.AttemptRecord(1, T0, T0.plusMillis(10),
                        new NodeError(ErrorType.RATE_LIMITED, "slow down", true, 1_500L, 1, 3), 1_500L),
                new io.scenariobuilder.core.engine.AttemptRecord(3, T0.plusSeconds(1), T0.plusSeconds(2), error, null));
        done(store.nodeUpdated("e2", new NodeRecord("n", NodeStatus.FAILED, 3, T0, T0.plusSeconds(2), 2_000L, json("null"), error,
                null, history)));
        ExecutionError failure = new ExecutionError(ErrorType.RATE_LIMITED, "slow down", "n");
        done(store.executionUpdated("e2", ExecutionStatus.FAILED, T0.plusSeconds(2), failure));

        ExecutionResult result = store.find("e2").orElseThrow();
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.endTime()).isEqualTo(T0.plusSeconds(2));
        assertThat(result.duration()).isEqualTo(2_000L);
        assertThat(result.error()).isEqualTo(failure);
        assertThat(result.requireNode("n").error()).isEqualTo(error);
        assertThat(result.requireNode("n").attemptHistory()).isEqualTo(history);
        assertThat(result.failedNodes()).isEqualTo(1);
        assertThat(result.context().has("n")).isFalse();
    }

    @Test
    void anExecutionRetriedUnderANewerVersionIsLoadedWithItAndWithoutItsDroppedNodes() {
        ExecutionStore store = store();
        done(store.executionCreated("e9", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        done(store.nodeUpdated("e9", new NodeRecord("a", NodeStatus.COMPLETED, 1, T0, T0, 0L, json("{\"v\": 1}"), null)));
        done(store.nodeUpdated("e9", new NodeRecord("gone", NodeStatus.FAILED, 1, T0, T0, 0L, json("null"), null)));
        done(store.executionUpdated("e9", ExecutionStatus.FAILED, T0, null));
        ScenarioSnapshot v2 = new ScenarioSnapshot("h2", json("{\"id\": \"s\", \"version\": 2, \"nodes\": []}"));

        done(store.executionReopened("e9"));
        done(store.executionScenarioChanged("e9", 2, v2, java.util.Set.of("gone")));

        assertThat(store.find("e9").orElseThrow().scenarioVersion()).isEqualTo(2);
        assertThat(store.find("e9").orElseThrow().nodes()).extracting(NodeRecord::nodeId).containsExactly("a");
        var loaded = store.load("e9").orElseThrow();
        assertThat(loaded.scenario()).isEqualTo(v2.document());
        assertThat(loaded.nodes()).extracting(NodeRecord::nodeId).containsExactly("a");
    }

    @Test
    void logLinesComeBackInOrderWithTheirIds() {
        ExecutionStore store = store();
        done(store.executionCreated("e3", "s3", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        for (int i = 0; i < 5; i++) {
            done(store.logAppended(new LogEntry(T0.plusMillis(i), i % 2 == 0 ? LogLevel.INFO : LogLevel.WARN,
                    "integration", "line " + i, "e3", "s3", i == 0 ? null : "n" + i)));
        }
        assertThat(store.logs("e3")).extracting(LogEntry::message).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4");
        LogEntry second = store.logs("e3").get(1);
        assertThat(second.level()).isEqualTo(LogLevel.WARN);
        assertThat(second.nodeId()).isEqualTo("n1");
        assertThat(second.scenarioId()).isEqualTo("s3");
        assertThat(second.timestamp()).isEqualTo(T0.plusMillis(1));
        assertThat(store.logs("e3").get(0).nodeId()).isNull();
    }

    /**
     * An upstream error page with a NUL byte in it (PostgreSQL's text cannot hold one) is stored, not a failure of the
     * write (and of every execution in its batch): in outputs, errors, triggers and log lines alike.
     */
    @Test
    void textWithANulByteIsStoredEverywhere() {
        ExecutionStore store = store();
        String page = "<html>\u0000bad gateway\u0000</html>";
        done(store.executionCreated("nul", "s1", 1, SNAPSHOT, JSON.createObjectNode().put("body", page), ExecutionStatus.QUEUED, T0,
                TraceContext.fresh()));
        NodeError error = new NodeError(ErrorType.GENERIC_ERROR, "upstream said " + page, true, null, 1, 1);
        done(store.nodeUpdated("nul", new NodeRecord("n", NodeStatus.FAILED, 1, T0, T0.plusMillis(5), 5L,
                JSON.createObjectNode().put("page", page), error)));
        done(store.logAppended(new LogEntry(T0, LogLevel.WARN, "integration", "got " + page, "nul", "s1", "n")));
        done(store.executionUpdated("nul", ExecutionStatus.FAILED, T0.plusMillis(6), new ExecutionError(ErrorType.GENERIC_ERROR,
                "upstream said " + page, "n")));

        ExecutionResult result = store.find("nul").orElseThrow();
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.requireNode("n").error().message()).contains("bad gateway");
        assertThat(result.error().message()).contains("bad gateway");
        assertThat(store.logs("nul")).singleElement().satisfies(line -> assertThat(line.message()).contains("bad gateway"));
    }

    @Test
    void theTraceOfAnExecutionItsAttemptsAndItsLinesIsKept() {
        ExecutionStore store = store();
        TraceContext trace = TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        done(store.executionCreated("t1", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0, trace));
        done(store.nodeUpdated("t1", new NodeRecord("a", NodeStatus.COMPLETED, 1, T0, T0, 0L, json("1"), null, null,
                java.util.List.of(new AttemptRecord(1, T0, T0, null, null, "b7ad6b7169203331")))));
        done(store.logAppended(new LogEntry(T0, LogLevel.INFO, "integration", "in a span", "t1", "s", "a", trace.traceId(),
                "b7ad6b7169203331")));

        assertThat(store.find("t1").orElseThrow().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(store.find("t1").orElseThrow().requireNode("a").attemptHistory().get(0).spanId()).isEqualTo("b7ad6b7169203331");
        assertThat(store.logs("t1")).singleElement().satisfies(line -> {
            assertThat(line.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(line.spanId()).isEqualTo("b7ad6b7169203331");
        });
        assertThat(store.load("t1").orElseThrow().trace()).isEqualTo(trace);
        assertThat(store.unfinished()).singleElement().satisfies(u -> assertThat(u.trace()).isEqualTo(trace));
    }

    @Test
    void unfinishedExecutionsComeWithTheirScenarioTriggerAndNodes() {
        ExecutionStore store = store();
        done(store.executionCreated("u1", "s", 1, SNAPSHOT, json("{\"t\": 1}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        done(store.executionCreated("u2", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0.plusSeconds(1), TraceContext.fresh()));
        done(store.executionCreated("done", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, T0, TraceContext.fresh()));
        done(store.executionUpdated("u2", ExecutionStatus.PAUSED, null, null));
        done(store.executionUpdated("done", ExecutionStatus.COMPLETED, T0, null));
        done(store.nodeUpdated("u1", new NodeRecord("a", NodeStatus.COMPLETED, 1, T0, T0, 0L, json("{\"x\": 1}"), null)));
        done(store.nodeUpdated("u1", new NodeRecord("b", NodeStatus.WAITING_RETRY, 1, T0, null, null, json("null"), null,
                T0.plusSeconds(30))));

        var unfinished = store.unfinished();
        assertThat(unfinished).extracting(ResumableExecution::id).containsExactly("u1", "u2");
        ResumableExecution first = unfinished.get(0);
        assertThat(first.scenario()).isEqualTo(SNAPSHOT.document());
        assertThat(first.trigger()).isEqualTo(json("{\"t\": 1}"));
        assertThat(first.status()).isEqualTo(ExecutionStatus.QUEUED);
        assertThat(first.startTime()).isEqualTo(T0);
        assertThat(first.nodes()).extracting(NodeRecord::nodeId).containsExactly("a", "b");
        assertThat(first.nodes().get(0).output()).isEqualTo(json("{\"x\": 1}"));
        assertThat(first.nodes().get(1).nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(first.nodes().get(0).nextAttemptAt()).isNull();
        assertThat(unfinished.get(1).status()).isEqualTo(ExecutionStatus.PAUSED);
    }

    /** A finished execution of {@code scenario} that ended at {@code end}, with one node and one log line. */
    protected static void finished(ExecutionStore store, String id, String scenario, ExecutionStatus status, Instant end) {
        done(store.executionCreated(id, scenario, 1, SNAPSHOT, json("{}"), ExecutionStatus.QUEUED, end.minusSeconds(1), TraceContext.fresh()));
        done(store.nodeUpdated(id, new NodeRecord("n", NodeStatus.COMPLETED, 1, end, end, 0L, json("{\"id\": \"" + id + "\"}"), null)));
        done(store.logAppended(new LogEntry(end, LogLevel.INFO, "execution", "done", id, scenario, null)));
        done(store.executionUpdated(id, status, end, null));
    }

    @Test
    void pruningDeletesOldAndSurplusFinishedExecutionsWithTheirLogs() throws Exception {
        ExecutionStore store = store();
        for (int i = 1; i <= 5; i++) {
            finished(store, "p" + i, "s", i == 3 ? ExecutionStatus.FAILED : ExecutionStatus.COMPLETED, T0.plusSeconds(i));
        }
        finished(store, "p6", "s", ExecutionStatus.INCOMPLETE, T0);
        finished(store, "stale", "s", ExecutionStatus.INCOMPLETE, T0.minusSeconds(7_200));
        done(store.executionCreated("p7", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.RUNNING, T0, TraceContext.fresh()));
        finished(store, "old", "t", ExecutionStatus.CANCELLED, T0.minusSeconds(3_600));
        finished(store, "recent", "t", ExecutionStatus.COMPLETED, T0.plusSeconds(10));

        int deleted = store.prune(T0, 2).toCompletableFuture().get(10, TimeUnit.SECONDS);

        // p1, p2, p3 beyond the 2 newest of s; "old" and the incomplete "stale" by age (p6, incomplete and recent, stays)
        assertThat(deleted).isEqualTo(5);
        for (String gone : new String[] {"p1", "p2", "p3", "old", "stale"}) {
            assertThat(store.find(gone)).as(gone).isEmpty();
            assertThat(store.logs(gone)).as(gone).isEmpty();
        }
        for (String kept : new String[] {"p4", "p5", "p6", "p7", "recent"}) {
            assertThat(store.find(kept)).as(kept).isPresent();
        }
        assertThat(store.logs("p5")).hasSize(1);
        assertThat(store.prune(T0, 2).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    }

    /** More victims than one delete batch of the JDBC store (500): every one goes, the newest stay. */
    @Test
    void pruningManyExecutionsDeletesThemAllAndKeepsTheNewest() throws Exception {
        ExecutionStore store = store();
        int total = 1_100;
        for (int i = 0; i < total; i++) {
            finished(store, String.format("m%05d", i), "many", ExecutionStatus.COMPLETED, T0.plusSeconds(i));
        }

        int deleted = store.prune(T0, 50).toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(deleted).isEqualTo(total - 50);
        assertThat(store.find("m01049")).isEmpty();
        assertThat(store.logs("m00000")).isEmpty();
        assertThat(store.find("m01050")).isPresent();
        assertThat(store.list("many", null, null, 100).items()).hasSize(50);
    }

    @Test
    void anyExecutionLoadsWithItsScenarioTriggerAndNodesAndCanRunAgain() {
        ExecutionStore store = store();
        finished(store, "f1", "s", ExecutionStatus.FAILED, T0);
        ResumableExecution loaded = store.load("f1").orElseThrow();
        assertThat(loaded.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(loaded.scenario()).isEqualTo(SNAPSHOT.document());
        assertThat(loaded.trigger()).isEqualTo(json("{}"));
        assertThat(loaded.nodes()).extracting(NodeRecord::nodeId).containsExactly("n");

        // A retry sets it running again: end time and error are cleared, and it is unfinished until it ends.
        done(store.executionUpdated("f1", ExecutionStatus.RUNNING, null, null));
        assertThat(store.find("f1").orElseThrow().endTime()).isNull();
        assertThat(store.unfinished()).extracting(ResumableExecution::id).contains("f1");
        done(store.executionUpdated("f1", ExecutionStatus.COMPLETED, T0.plusSeconds(5), null));
        assertThat(store.find("f1").orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(store.load("nope")).isEmpty();
    }

    @Test
    void executionsAreListedNewestFirstFilteredAndPaged() {
        ExecutionStore store = store();
        // Execution ids sort by time, as the engine makes them.
        finished(store, "x01", "s", ExecutionStatus.COMPLETED, T0);
        finished(store, "x02", "s", ExecutionStatus.FAILED, T0.plusSeconds(1));
        finished(store, "x03", "t", ExecutionStatus.COMPLETED, T0.plusSeconds(2));
        done(store.executionCreated("x04", "s", 1, SNAPSHOT, json("{}"), ExecutionStatus.RUNNING, T0.plusSeconds(3), TraceContext.fresh()));

        var first = store.list(null, null, null, 3);
        assertThat(first.items()).extracting(ExecutionSummary::id).containsExactly("x04", "x03", "x02");
        assertThat(first.nextCursor()).isEqualTo("x02");
        var second = store.list(null, null, first.nextCursor(), 3);
        assertThat(second.items()).extracting(ExecutionSummary::id).containsExactly("x01");
        assertThat(second.nextCursor()).isNull();

        assertThat(store.list("s", null, null, 10).items()).extracting(ExecutionSummary::id).containsExactly("x04", "x02", "x01");
        var failed = store.list("s", ExecutionStatus.FAILED, null, 10).items();
        assertThat(failed).extracting(ExecutionSummary::id).containsExactly("x02");
        assertThat(failed.get(0).endTime()).isEqualTo(T0.plusSeconds(1));
        assertThat(failed.get(0).duration()).isEqualTo(1_000L);
        assertThat(store.list(null, ExecutionStatus.RUNNING, null, 10).items().get(0).endTime()).isNull();
        assertThat(store.list("nobody", null, null, 10).items()).isEmpty();
    }

    @Test
    void unknownExecutionsAreAbsent() {
        assertThat(store().find("nope")).isEmpty();
        assertThat(store().logs("nope")).isEmpty();
        assertThat(store().load("nope")).isEmpty();
    }
}
