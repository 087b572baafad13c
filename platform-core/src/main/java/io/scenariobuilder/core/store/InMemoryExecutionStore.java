package io.scenariobuilder.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.scenario.ScenarioSnapshot;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps executions in memory: for the CLI, tests and benchmarks. Nothing survives the process. Finished executions
 * beyond {@code maxFinished} are dropped, oldest first, so a long run does not grow without bound.
 */
public final class InMemoryExecutionStore implements ExecutionStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int maxFinished;
    private final Map<String, Stored> executions = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> finishedOrder = new ConcurrentLinkedQueue<>();
    /** The queue's size: ConcurrentLinkedQueue.size() walks the whole queue. */
    private final AtomicInteger finishedCount = new AtomicInteger();

    public InMemoryExecutionStore(int maxFinished) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("maxFinished must be at least 1");
        }
        this.maxFinished = maxFinished;
    }

    private static final class Stored {
        final String id;
        final String scenarioId;
        volatile int scenarioVersion;
        volatile ScenarioSnapshot scenario;
        final JsonNode trigger;
        final Instant startTime;
        final TraceContext trace;
        volatile ExecutionStatus status;
        volatile Instant endTime;
        volatile ExecutionError error;
        final Map<String, NodeRecord> nodes = new ConcurrentHashMap<>();
        final List<String> nodeOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        final ConcurrentLinkedQueue<LogEntry> logs = new ConcurrentLinkedQueue<>();

        Stored(String id, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario, JsonNode trigger,
                ExecutionStatus status, Instant startTime, TraceContext trace) {
            this.id = id;
            this.trace = trace;
            this.scenarioId = scenarioId;
            this.scenarioVersion = scenarioVersion;
            this.scenario = scenario;
            this.trigger = trigger;
            this.status = status;
            this.startTime = startTime;
        }
    }

    @Override
    public CompletionStage<Void> executionCreated(String executionId, String scenarioId, int scenarioVersion, ScenarioSnapshot scenario,
            JsonNode trigger, ExecutionStatus status, Instant startTime, TraceContext trace) {
        if (executions.putIfAbsent(executionId,
                new Stored(executionId, scenarioId, scenarioVersion, scenario, trigger, status, startTime, trace)) != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("execution " + executionId + " exists already"));
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> executionUpdated(String executionId, ExecutionStatus status, Instant endTime, ExecutionError error) {
        Stored stored = executions.get(executionId);
        if (stored == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("execution " + executionId + " is not stored"));
        }
        if (stored.status.isFinal() && !status.isFinal() && finishedOrder.remove(executionId)) {
            finishedCount.decrementAndGet(); // retried: running again, so no longer among the finished to evict
        }
        stored.status = status;
        stored.endTime = endTime;
        stored.error = error;
        if (status.isFinal()) {
            finishedOrder.add(executionId);
            if (finishedCount.incrementAndGet() > maxFinished) {
                String oldest = finishedOrder.poll();
                if (oldest != null) {
                    finishedCount.decrementAndGet();
                    executions.remove(oldest);
                }
            }
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> executionScenarioChanged(String executionId, int scenarioVersion, ScenarioSnapshot scenario,
            java.util.Set<String> droppedNodes) {
        Stored stored = executions.get(executionId);
        if (stored == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("execution " + executionId + " is not stored"));
        }
        stored.scenarioVersion = scenarioVersion;
        stored.scenario = scenario;
        droppedNodes.forEach(nodeId -> {
            stored.nodes.remove(nodeId);
            stored.nodeOrder.remove(nodeId);
        });
        return DONE;
    }

    @Override
    public CompletionStage<Void> nodeUpdated(String executionId, NodeRecord record) {
        Stored stored = executions.get(executionId);
        if (stored == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("execution " + executionId + " is not stored"));
        }
        if (stored.nodes.put(record.nodeId(), record) == null) {
            stored.nodeOrder.add(record.nodeId());
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> logAppended(LogEntry entry) {
        Stored stored = executions.get(entry.executionId());
        if (stored != null) {
            stored.logs.add(entry);
        }
        return DONE;
    }

    @Override
    public Optional<ExecutionResult> find(String executionId) {
        Stored stored = executions.get(executionId);
        if (stored == null) {
            return Optional.empty();
        }
        List<NodeRecord> nodes;
        synchronized (stored.nodeOrder) {
            nodes = stored.nodeOrder.stream().map(stored.nodes::get).toList();
        }
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        int completed = 0;
        int failed = 0;
        for (NodeRecord node : nodes) {
            if (node.status() == NodeStatus.COMPLETED) {
                completed++;
            } else if (node.status() == NodeStatus.FAILED) {
                failed++;
            }
            if (node.output() != null && !node.output().isNull()) {
                context.set(node.nodeId(), node.output());
            }
        }
        Instant end = stored.endTime;
        Long duration = end == null ? null : Duration.between(stored.startTime, end).toMillis();
        return Optional.of(new ExecutionResult(stored.id, stored.scenarioId, stored.scenarioVersion, stored.status,
                stored.startTime, end, duration, completed, failed, nodes.size(), context, stored.error, nodes, stored.trace.traceId(), stored.trigger));
    }

    @Override
    public List<LogEntry> logs(String executionId) {
        Stored stored = executions.get(executionId);
        return stored == null ? List.of() : List.copyOf(stored.logs);
    }

    @Override
    public ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit) {
        List<ExecutionSummary> items = executions.values().stream()
                .filter(stored -> scenarioId == null || stored.scenarioId.equals(scenarioId))
                .filter(stored -> status == null || stored.status == status)
                .filter(stored -> cursor == null || stored.id.compareTo(cursor) < 0)
                .sorted(java.util.Comparator.comparing((Stored stored) -> stored.id).reversed())
                .limit(limit + 1L)
                .map(stored -> new ExecutionSummary(stored.id, stored.scenarioId, stored.scenarioVersion, stored.status,
                        stored.startTime, stored.endTime, stored.endTime == null ? null
                                : java.time.Duration.between(stored.startTime, stored.endTime).toMillis(), stored.error))
                .toList();
        return items.size() > limit
                ? new ExecutionSummary.Page(items.subList(0, limit), items.get(limit - 1).id())
                : new ExecutionSummary.Page(items, null);
    }

    @Override
    public Optional<ResumableExecution> load(String executionId) {
        return Optional.ofNullable(executions.get(executionId)).map(this::resumable);
    }

    @Override
    public List<ResumableExecution> unfinished() {
        return executions.values().stream()
                .filter(stored -> !stored.status.isFinal())
                .sorted(java.util.Comparator.comparing((Stored stored) -> stored.startTime).thenComparing(stored -> stored.id))
                .map(this::resumable)
                .toList();
    }

    private ResumableExecution resumable(Stored stored) {
        return new ResumableExecution(stored.id, stored.scenario.document(), stored.trigger, stored.status, stored.startTime,
                find(stored.id).map(ExecutionResult::nodes).orElse(List.of()), stored.trace);
    }

    @Override
    public CompletionStage<Integer> prune(Instant finishedBefore, int keepPerScenario) {
        java.util.Map<String, List<Stored>> byScenario = new java.util.HashMap<>();
        executions.values().stream()
                .filter(stored -> stored.status.isFinal() && stored.status != ExecutionStatus.INCOMPLETE)
                .forEach(stored -> byScenario.computeIfAbsent(stored.scenarioId, k -> new ArrayList<>()).add(stored));
        int deleted = 0;
        // Incomplete ones wait for a retry, so no count pushes them out; but by age they go like the rest.
        for (Stored stored : List.copyOf(executions.values())) {
            if (stored.status == ExecutionStatus.INCOMPLETE && stored.endTime != null && stored.endTime.isBefore(finishedBefore)
                    && executions.remove(stored.id) != null) {
                deleted++;
            }
        }
        for (List<Stored> finished : byScenario.values()) {
            finished.sort(java.util.Comparator.comparing((Stored s) -> s.id).reversed());
            for (int i = 0; i < finished.size(); i++) {
                Stored stored = finished.get(i);
                if (i >= keepPerScenario || stored.endTime != null && stored.endTime.isBefore(finishedBefore)) {
                    if (executions.remove(stored.id) != null) {
                        deleted++;
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(deleted);
    }

    /** How many executions are held. */
    public int size() {
        return executions.size();
    }
}
