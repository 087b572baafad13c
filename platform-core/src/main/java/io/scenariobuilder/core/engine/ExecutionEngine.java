package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.error.CircuitBreakers;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.integration.PluginRetiredException;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.integration.PluginUsage;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.scenario.OnError;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.scenario.ScenarioSource;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.ErrorNotification;
import io.scenariobuilder.core.store.ExecutionStore;
import io.scenariobuilder.core.store.ResumableExecution;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenarios. {@link #start} returns at once; the execution runs on the engine's threads, independent nodes in
 * parallel (up to the scenario's {@code maxConcurrentNodes}), blocking actions on virtual threads.
 *
 * <pre>{@code
 * ExecutionResult result = engine.executeScenario(scenario, trigger).toCompletableFuture().join();
 * }</pre>
 */
public final class ExecutionEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEngine.class);

    private final ScenarioValidator validator;
    private final ScenarioParser parser;
    private final ExecutionStore store;
    private final Map<String, ExecutionRun> active = new ConcurrentHashMap<>();
    private final ForkJoinPool engineExecutor;
    private final java.util.concurrent.ExecutorService expressionThreads;
    private final ScheduledThreadPoolExecutor timer;
    private final Services services;
    private final Clock clock;
    private final ScenarioSource scenarios;
    private volatile boolean closed;

    @Inject
    public ExecutionEngine(ScenarioValidator validator, ScenarioParser parser, ExecutionStore store, CredentialStore credentials,
            ExecutionLog log, ErrorClassifier classifier, ExpressionCompiler expressions, Clock clock, EngineSettings settings,
            CircuitBreakers circuitBreakers, ScenarioSource scenarios, EngineMetrics metrics, ExecutionEvents events,
            FieldOptions fieldOptions) {
        this.validator = validator;
        this.scenarios = scenarios;
        this.parser = parser;
        this.store = store;
        this.clock = clock;
        this.engineExecutor = new ForkJoinPool(settings.engineThreads(), pool -> {
            var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("sb-engine-" + thread.getPoolIndex());
            thread.setDaemon(true);
            return thread;
        }, null, true);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sb-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        java.util.concurrent.atomic.AtomicInteger expressionThread = new java.util.concurrent.atomic.AtomicInteger();
        this.expressionThreads = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, settings.engineThreads() / 2), runnable -> {
            Thread thread = new Thread(runnable, "sb-expr-" + expressionThread.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        RandomGenerator seeded = settings.jitterSeed() == null ? null : new Random(settings.jitterSeed());
        this.services = new Services(store, credentials, log, classifier, expressions, new ConfigurationValidator(expressions),
                clock, seeded, engineExecutor, timer, Thread.ofVirtual().name("sb-node-", 0).factory(), expressionThreads, settings.maxRetryDelayMs(),
                new OutputMemory(settings.maxInFlightOutputBytes()), circuitBreakers, metrics, events, fieldOptions);
        metrics.activeExecutions("queued", () -> countActive(ExecutionStatus.QUEUED));
        metrics.activeExecutions("running", () -> countActive(ExecutionStatus.RUNNING));
        metrics.activeExecutions("paused", () -> countActive(ExecutionStatus.PAUSED));
        metrics.activeExecutions("waiting_retry", () -> (int) active.values().stream().filter(ExecutionRun::waitingForRetry).count());
    }

    /** Executions in this engine whose status is {@code status} now (read by a gauge: a scan, nothing kept per node). */
    private int countActive(ExecutionStatus status) {
        int count = 0;
        for (ExecutionRun run : active.values()) {
            if (run.currentStatus() == status) {
                count++;
            }
        }
        return count;
    }

    /**
     * Validates (compiled scenarios are cached) and starts an execution. When a plugin it uses is upgraded or removed
     * at that very moment, it compiles again against what is installed now.
     */
    public ExecutionHandle start(Scenario scenario, JsonNode triggerData) {
        return start(scenario, triggerData, TraceContext.fresh());
    }

    /** {@link #start(Scenario, JsonNode)} in a trace (the caller's {@code traceparent}). */
    public ExecutionHandle start(Scenario scenario, JsonNode triggerData, TraceContext trace) {
        return start(scenario, triggerData, trace, null);
    }

    /**
     * {@link #start(Scenario, JsonNode, TraceContext)} for a schedule's tick, claimed in the transaction that stores
     * the execution: when the tick ran already, nothing is stored and {@link ExecutionHandle#accepted()} fails with
     * {@link io.scenariobuilder.core.store.ScheduleTick.AlreadyRunException}.
     */
    public ExecutionHandle start(Scenario scenario, JsonNode triggerData, TraceContext trace, io.scenariobuilder.core.store.ScheduleTick tick) {
        for (int attempt = 1; ; attempt++) {
            try {
                return start(validator.compile(scenario), triggerData, trace, tick);
            } catch (PluginRetiredException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Starts an execution of a compiled scenario; returns at once. The execution holds the plugin versions it uses
     * until it ends.
     *
     * @throws PluginRetiredException when one of them was upgraded or removed since the scenario was compiled
     */
    public ExecutionHandle start(CompiledScenario scenario, JsonNode triggerData) {
        return start(scenario, triggerData, TraceContext.fresh());
    }

    /**
     * Starts an execution of a compiled scenario in a trace; returns at once.
     *
     * @throws PluginRetiredException when a plugin it uses was upgraded or removed since the scenario was compiled
     */
    public ExecutionHandle start(CompiledScenario scenario, JsonNode triggerData, TraceContext trace) {
        return start(scenario, triggerData, trace, null);
    }

    private ExecutionHandle start(CompiledScenario scenario, JsonNode triggerData, TraceContext trace,
            io.scenariobuilder.core.store.ScheduleTick tick) {
        if (closed) {
            throw new IllegalStateException("the engine is shut down");
        }
        acquirePlugins(scenario);
        String id = ExecutionIds.next(clock);
        ExecutionRun run = new ExecutionRun(services, id, trace, scenario, triggerData, clock.instant());
        active.put(id, run);
        run.start(tick);
        return new ExecutionHandle(id, run.accepted(), run.completion(), trace.traceId(), scenario.scenario().version());
    }

    /**
     * Resumes every execution the store holds as unfinished, as after a crash or a restart: completed nodes are not
     * run again, nodes that were running run again with the same idempotency key, paused executions stay paused.
     * Call it once at start, after the plugins are loaded. An execution whose scenario no longer compiles (a plugin
     * is gone) is marked failed with the reason.
     *
     * @return the handles of the resumed executions
     */
    public List<ExecutionHandle> resumeUnfinished() {
        return resumeUnfinished(false);
    }

    private volatile CommandRelay relay;

    /** How many unclean stops an execution may be running at before it is suspected of causing them. */
    public static final int CRASH_SUSPECT_STOPS = 2;

    /**
     * Resumes the unfinished executions; after an unclean stop of the server ({@code afterUncleanStop}), each one that
     * was running counts it, and one that was running at each of the last {@value #CRASH_SUSPECT_STOPS} unclean stops is
     * not resumed but failed with {@code crash_suspected}: whatever it does (a runaway node, a plugin that kills the
     * JVM) would otherwise take the server down on every start. It can be retried by hand.
     */
    public List<ExecutionHandle> resumeUnfinished(boolean afterUncleanStop) {
        if (afterUncleanStop) {
            store.recordUncleanStop();
        }
        List<ExecutionHandle> resumed = resumeStored(store.unfinished());
        sendPendingNotifications();
        return resumed;
    }

    /** Sends the notifications stored with their failure but not sent before the stop: at least once, never lost. */
    public void sendPendingNotifications() {
        List<ErrorNotification> pending = store.pendingNotifications();
        for (ErrorNotification notification : pending) {
            services.send(notification, 1, new CompletableFuture<>());
        }
        if (!pending.isEmpty()) {
            LOG.warn("sending {} error notification(s) left from before the restart", pending.size());
        }
    }

    /**
     * Resumes stored executions as after a restart: those unfinished at start, or those claimed from a server of the
     * cluster that stopped. One already running here is left alone; one whose scenario is missing or no longer compiles,
     * or that was running at each of the last {@value #CRASH_SUSPECT_STOPS} unclean stops, is failed with the reason.
     */
    public List<ExecutionHandle> resumeStored(List<ResumableExecution> executions) {
        List<ExecutionHandle> resumed = new ArrayList<>();
        for (ResumableExecution stored : executions) {
            if (active.containsKey(stored.id())) {
                continue;
            }
            if (stored.scenario() == null) {
                String message = "cannot resume after a restart: the scenario it ran is missing from the store";
                LOG.error("execution {}: {}", stored.id(), message);
                store.executionUpdated(stored.id(), ExecutionStatus.FAILED, clock.instant(),
                        new ExecutionError(ErrorType.INVALID_INPUT, message, null)).toCompletableFuture().join();
                continue;
            }
            if (stored.status() == ExecutionStatus.RUNNING && stored.uncleanStops() >= CRASH_SUSPECT_STOPS) {
                String running = stored.nodes().stream().filter(node -> node.status() == NodeStatus.RUNNING)
                        .map(NodeRecord::nodeId).findFirst().orElse(null);
                String message = "not resumed: it was running at each of the last " + stored.uncleanStops() + " unclean stops of "
                        + "the server" + (running == null ? "" : " (node '" + running + "' was running)") + ", so it may be what "
                        + "stopped it; retry it by hand once you know why (POST /api/v1/executions/" + stored.id() + "/retry)";
                LOG.error("execution {}: {}", stored.id(), message);
                // Failed first, then the count forgotten: a crash between the two leaves it failed, never running at 0.
                store.executionUpdated(stored.id(), ExecutionStatus.FAILED, clock.instant(),
                        new ExecutionError(ErrorType.CRASH_SUSPECTED, message, running)).toCompletableFuture().join();
                store.clearUncleanStops(stored.id());
                continue;
            }
            try {
                resumed.add(resume(stored));
            } catch (InvalidScenarioException | PluginRetiredException e) {
                LOG.error("execution {} cannot be resumed: {}", stored.id(), e.getMessage());
                store.executionUpdated(stored.id(), ExecutionStatus.FAILED, clock.instant(),
                        new ExecutionError(ErrorType.INVALID_INPUT, "cannot resume after a restart: " + e.getMessage(), null));
            }
        }
        if (!resumed.isEmpty()) {
            LOG.warn("resumed {} unfinished execution(s)", resumed.size());
        }
        return resumed;
    }

    private ExecutionHandle resume(ResumableExecution stored) {
        ScenarioParser.Parsed parsed = parser.parse(stored.scenario(), "resumed");
        if (!parsed.problems().isEmpty()) {
            throw new InvalidScenarioException(parsed.problems());
        }
        CompiledScenario scenario = validator.compile(parsed.scenario());
        acquirePlugins(scenario);
        ExecutionRun run = new ExecutionRun(services, stored.id(), stored.trace(), scenario, stored.trigger(), stored.startTime());
        active.put(stored.id(), run);
        run.restore(stored.status(), stored.nodes());
        return new ExecutionHandle(stored.id(), run.accepted(), run.completion(), stored.trace().traceId(),
                scenario.scenario().version());
    }

    /**
     * Runs a {@code failed} or {@code incomplete} execution again from its failed or broken node: completed nodes keep
     * their outputs and do not run again; nodes that failed under {@code fail} or {@code break}, or were cancelled
     * when the execution stopped, run again with a fresh retry budget. Attempt numbers go on from the last (an action
     * sees attempt 2 after a failed attempt 1) and the earlier attempts stay in the history. Nodes that failed under
     * {@code continue} or {@code route} were handled and stay as they are. The execution runs the scenario version it
     * ran before, keeps its id, and is {@code running} again.
     *
     * <p>Reads and writes the store: call it off event-loop threads.
     *
     * @throws UnknownExecutionException when no such execution is stored
     * @throws ExecutionStateException when the execution is not failed or incomplete
     * @throws InvalidScenarioException when its scenario no longer compiles (an integration is gone)
     */
    public ExecutionHandle retry(String executionId) {
        return retry(executionId, null);
    }

    /**
     * Runs a {@code failed} or {@code incomplete} execution again, as {@link #retry(String)} does, but under
     * {@code latest}, a newer version of its scenario (the user fixed what failed): its completed and skipped nodes
     * keep their outputs when their ids are still in {@code latest}; its failed and pending nodes run again under the
     * new version; nodes new in it run when their inputs are decided; nodes gone from it are forgotten. The execution
     * records that it now runs {@code latest}'s version.
     *
     * @param latest the version to run, or {@code null} for the version the execution ran before
     * @throws ExecutionStateException also when {@code latest} is another scenario, or a completed node's id is gone
     *         from it (its output could feed nothing the new version names)
     */
    public ExecutionHandle retry(String executionId, Scenario latest) {
        if (closed) {
            throw new IllegalStateException("the engine is shut down");
        }
        if (active.containsKey(executionId)) {
            throw new ExecutionStateException("execution " + executionId + " is running: only a failed or incomplete execution can be retried");
        }
        ResumableExecution stored = store.load(executionId).orElseThrow(() -> new UnknownExecutionException(executionId));
        if (stored.status() != ExecutionStatus.FAILED && stored.status() != ExecutionStatus.INCOMPLETE) {
            throw new ExecutionStateException("execution " + executionId + " is " + stored.status().id()
                    + ": only a failed or incomplete execution can be retried");
        }
        if (stored.scenario() == null) {
            throw new ExecutionStateException("execution " + executionId + " cannot be retried: the scenario it ran is missing from the store");
        }
        ScenarioParser.Parsed parsed = parser.parse(stored.scenario(), "retried");
        if (!parsed.problems().isEmpty()) {
            throw new InvalidScenarioException(parsed.problems());
        }
        CompiledScenario scenario = validator.compile(latest == null ? parsed.scenario() : latest);
        Set<String> dropped = latest == null ? Set.of() : fitting(executionId, parsed.scenario(), latest, stored.nodes());
        List<NodeRecord> records = new ArrayList<>(stored.nodes().size());
        List<NodeRecord> reset = new ArrayList<>();
        for (NodeRecord record : stored.nodes()) {
            if (dropped.contains(record.nodeId())) {
                continue;
            }
            if (runsAgain(scenario, record)) {
                NodeRecord pending = new NodeRecord(record.nodeId(), NodeStatus.PENDING, record.attempts(), null, null, null, null,
                        null, null, record.attemptHistory());
                records.add(pending);
                reset.add(pending);
            } else {
                records.add(record);
            }
        }
        acquirePlugins(scenario);
        // A new execution span under the first one: the first was exported when the execution ended before.
        TraceContext trace = new TraceContext(stored.trace().traceId(), TraceContext.newSpanId(), stored.trace().spanId());
        ExecutionRun run = new ExecutionRun(services, executionId, trace, scenario, stored.trigger(), stored.startTime());
        if (active.putIfAbsent(executionId, run) != null) {
            scenario.plugins().forEach(PluginUsage::release);
            throw new ExecutionStateException("execution " + executionId + " is already being retried");
        }
        try {
            List<CompletableFuture<Void>> writes = new ArrayList<>(reset.size() + 2);
            writes.add(store.executionReopened(executionId).toCompletableFuture()); // first: the writes below are taken
            if (latest != null) {
                writes.add(store.executionScenarioChanged(executionId, latest.version(), scenario.snapshot(), dropped).toCompletableFuture());
            }
            reset.forEach(record -> writes.add(store.nodeUpdated(executionId, record).toCompletableFuture()));
            writes.add(store.executionUpdated(executionId, ExecutionStatus.RUNNING, null, null).toCompletableFuture());
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            active.remove(executionId, run);
            scenario.plugins().forEach(PluginUsage::release);
            throw e;
        }
        run.retry(records);
        return new ExecutionHandle(executionId, run.accepted(), run.completion(), stored.trace().traceId(),
                scenario.scenario().version());
    }

    /**
     * Whether an execution that ran {@code ran} can go on under {@code latest}: the same scenario, and every node that
     * completed or was skipped still there. Answers the ids of the stored nodes {@code latest} no longer has.
     */
    private static Set<String> fitting(String executionId, Scenario ran, Scenario latest, List<NodeRecord> nodes) {
        if (!ran.id().equals(latest.id())) {
            throw new ExecutionStateException("execution " + executionId + " ran scenario '" + ran.id() + "', not '" + latest.id() + "'");
        }
        Set<String> ids = latest.nodesById().keySet();
        List<String> gone = new ArrayList<>();
        Set<String> dropped = new LinkedHashSet<>();
        for (NodeRecord record : nodes) {
            if (!ids.contains(record.nodeId())) {
                dropped.add(record.nodeId());
                if (record.status() == NodeStatus.COMPLETED) {
                    gone.add(record.nodeId());
                }
            }
        }
        if (!gone.isEmpty()) {
            throw new ExecutionStateException("execution " + executionId + " cannot go on under version " + latest.version()
                    + " of scenario '" + latest.id() + "': its completed node" + (gone.size() == 1 ? " " : "s ") + gone
                    + (gone.size() == 1 ? " is" : " are") + " gone from that version. Retry it under the version it ran (v"
                    + ran.version() + ", without ?version=latest), or start a new execution");
        }
        return dropped;
    }

    /** Whether a node of a failed or incomplete execution runs again when it is retried. */
    private static boolean runsAgain(CompiledScenario scenario, NodeRecord record) {
        return switch (record.status()) {
            case COMPLETED, SKIPPED -> false;
            case FAILED -> {
                Integer index = scenario.indexById().get(record.nodeId());
                OnError mode = index == null ? OnError.FAIL : scenario.nodes().get(index).node().onError();
                yield mode == OnError.FAIL || mode == OnError.BREAK;
            }
            default -> true; // cancelled when the execution stopped, or never finished
        };
    }

    /** Counts the execution in with every plugin version it uses (released when it ends), or none of them. */
    private static void acquirePlugins(CompiledScenario scenario) {
        List<PluginUsage> acquired = new ArrayList<>(scenario.plugins().size());
        for (PluginUsage usage : scenario.plugins()) {
            if (!usage.tryAcquire()) {
                acquired.forEach(PluginUsage::release);
                throw new PluginRetiredException(usage);
            }
            acquired.add(usage);
        }
    }

    /**
     * Cancels every running or paused execution that uses a version of plugin {@code pluginId} (forced plugin
     * removal).
     *
     * @return the ids of the executions cancelled
     */
    public List<String> cancelExecutionsUsing(String pluginId) {
        List<String> cancelled = new ArrayList<>();
        for (ExecutionRun run : active.values()) {
            if (run.scenario.plugins().stream().anyMatch(usage -> usage.pluginId().equals(pluginId))) {
                run.cancel();
                cancelled.add(run.id);
            }
        }
        return cancelled;
    }

    /** Runs a scenario; the stage completes with the final result. Never blocks the caller. */
    public CompletionStage<ExecutionResult> executeScenario(Scenario scenario, JsonNode triggerData) {
        return start(scenario, triggerData).completion();
    }

    /** Pauses a running execution: no new node starts; running nodes finish. */
    public CompletionStage<ExecutionStatus> pause(String executionId) {
        return command(executionId, ExecutionCommand.PAUSE);
    }

    /** Resumes a paused execution. */
    public CompletionStage<ExecutionStatus> resume(String executionId) {
        return command(executionId, ExecutionCommand.RESUME);
    }

    /** Cancels an execution: running actions are interrupted, nothing else starts. */
    public CompletionStage<ExecutionStatus> cancel(String executionId) {
        return command(executionId, ExecutionCommand.CANCEL);
    }

    /**
     * Applies a command to an execution this engine runs, or, in a cluster, sends it to the server that runs it (see
     * {@link #relay}).
     */
    public CompletionStage<ExecutionStatus> command(String executionId, ExecutionCommand command) {
        CommandRelay to = relay;
        if (to != null && !active.containsKey(executionId)) {
            Optional<CompletionStage<ExecutionStatus>> relayed = to.send(executionId, command);
            if (relayed.isPresent()) {
                return relayed.get();
            }
        }
        return withRun(executionId, switch (command) {
            case PAUSE -> ExecutionRun::pause;
            case RESUME -> ExecutionRun::resume;
            case CANCEL -> ExecutionRun::cancel;
        });
    }

    private volatile Duration parkRetriesAfter;

    /**
     * In a cluster: an execution whose only work left is retries due at least {@code after} from now leaves this server
     * until then. It is parked in the store (no owner, due at the first retry's time) and any server with room claims it
     * at that time, so a retry is not tied to the server that scheduled it. Null (the default) never parks.
     */
    public void parkRetriesLongerThan(Duration after) {
        this.parkRetriesAfter = after;
    }

    /** In a cluster: where commands go for executions that other servers run. */
    public void relay(CommandRelay relay) {
        this.relay = relay;
    }

    /** The current state of an execution, running or stored. */
    public CompletionStage<ExecutionResult> snapshot(String executionId) {
        ExecutionRun run = active.get(executionId);
        if (run != null) {
            return run.snapshot();
        }
        Optional<ExecutionResult> stored = store.find(executionId).map(this::withNodesNotStarted);
        return stored.<CompletionStage<ExecutionResult>>map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownExecutionException(executionId)));
    }

    /**
     * A stored result with the nodes that never started as {@code pending}, in the scenario's order: the store keeps
     * the nodes that started, and the result has one record per node of the version that ran, as while it runs.
     */
    private ExecutionResult withNodesNotStarted(ExecutionResult stored) {
        JsonNode document;
        try {
            document = store.scenarioDocument(stored.id()).orElse(null);
        } catch (io.scenariobuilder.core.store.StoreException e) {
            // The stored nodes are still right; only those that never started cannot be listed.
            LOG.warn("execution {}: the scenario it ran cannot be read, so its nodes that never started are not listed: {}",
                    stored.id(), e.getMessage());
            return stored;
        }
        if (document == null) {
            return stored;
        }
        Map<String, NodeRecord> started = new java.util.LinkedHashMap<>();
        stored.nodes().forEach(node -> started.put(node.nodeId(), node));
        List<NodeRecord> all = new ArrayList<>(document.path("nodes").size());
        for (JsonNode node : document.path("nodes")) {
            String nodeId = node.path("id").asText();
            NodeRecord record = started.remove(nodeId);
            all.add(record != null ? record : new NodeRecord(nodeId, NodeStatus.PENDING, 0, null, null, null,
                    com.fasterxml.jackson.databind.node.NullNode.getInstance(), null));
        }
        all.addAll(started.values()); // nodes dropped by a retry under the latest version: kept as stored, after the rest
        return new ExecutionResult(stored.id(), stored.scenarioId(), stored.scenarioVersion(), stored.status(), stored.startTime(),
                stored.endTime(), stored.duration(), stored.completedNodes(), stored.failedNodes(), all.size(), stored.context(),
                stored.error(), all, stored.traceId(), stored.trigger());
    }

    /** How many executions are running (or paused) in this engine. */
    public int activeExecutions() {
        return active.size();
    }

    private <T> CompletionStage<T> withRun(String executionId, Function<ExecutionRun, CompletionStage<T>> command) {
        ExecutionRun run = active.get(executionId);
        if (run != null) {
            return command.apply(run);
        }
        return store.find(executionId)
                .<CompletionStage<T>>map(result -> CompletableFuture.failedFuture(new ExecutionStateException(
                        "execution " + executionId + " is " + result.status().id())))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownExecutionException(executionId)));
    }

    /**
     * The first half of {@link #drain}: refuses new executions and stops every execution from starting nodes; the
     * stage completes once all of them have stopped. Nodes already running go on.
     */
    public CompletionStage<Void> stopStartingNodes() {
        closed = true;
        return CompletableFuture.allOf(active.values().stream()
                .map(run -> run.drain().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Shuts down gently: new executions are refused, no execution starts another node, and nodes already running get
     * up to {@code grace} to finish and be recorded. Whatever has not finished then stays unfinished in the store and
     * resumes on the next start (a node cut off runs again, with the same idempotency key). Then the engine closes.
     *
     * @return how many executions still had a node running when the grace period ended
     */
    public int drain(Duration grace) {
        stopStartingNodes().toCompletableFuture().join();
        List<CompletableFuture<Void>> draining = active.values().stream()
                .map(run -> run.drained().toCompletableFuture())
                .toList();
        try {
            CompletableFuture.allOf(draining.toArray(CompletableFuture[]::new)).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("shutdown: the grace period of {} ms ended with nodes still running; they run again on the next start",
                    grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("shutdown: draining failed", e.getCause());
        }
        int cut = (int) draining.stream().filter(f -> !f.isDone()).count();
        close();
        return cut;
    }

    /**
     * Stops the engine's threads. Executions still running are abandoned in memory (a durable store resumes them
     * on the next start).
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        expressionThreads.shutdownNow();
        engineExecutor.shutdown();
        try {
            if (!engineExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                engineExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engineExecutor.shutdownNow();
        }
    }

    private final class Services implements EngineServices {
        private final ExecutionStore store;
        private final CredentialStore credentials;
        private final ExecutionLog log;
        private final ErrorClassifier classifier;
        private final ExpressionCompiler expressions;
        private final ConfigurationValidator configurationValidator;
        private final Clock clock;
        private final RandomGenerator seeded;
        private final Executor engineExecutor;
        private final ScheduledExecutorService timer;
        private final ThreadFactory nodeThreads;
        private final Executor expressionThreads;
        private final long maxRetryDelayMs;
        private final OutputMemory outputMemory;
        private final CircuitBreakers circuitBreakers;
        private final EngineMetrics metrics;
        private final ExecutionEvents events;
        private final FieldOptions fieldOptions;

        Services(ExecutionStore store, CredentialStore credentials, ExecutionLog log, ErrorClassifier classifier,
                ExpressionCompiler expressions, ConfigurationValidator configurationValidator, Clock clock,
                RandomGenerator seeded, Executor engineExecutor, ScheduledExecutorService timer, ThreadFactory nodeThreads,
                Executor expressionThreads, long maxRetryDelayMs, OutputMemory outputMemory, CircuitBreakers circuitBreakers, EngineMetrics metrics, ExecutionEvents events,
                FieldOptions fieldOptions) {
            this.fieldOptions = fieldOptions;
            this.circuitBreakers = circuitBreakers;
            this.metrics = metrics;
            this.events = events;
            this.store = store;
            this.credentials = credentials;
            this.log = log;
            this.classifier = classifier;
            this.expressions = expressions;
            this.configurationValidator = configurationValidator;
            this.clock = clock;
            this.seeded = seeded;
            this.engineExecutor = engineExecutor;
            this.timer = timer;
            this.nodeThreads = nodeThreads;
            this.expressionThreads = expressionThreads;
            this.maxRetryDelayMs = maxRetryDelayMs;
            this.outputMemory = outputMemory;
        }

        @Override
        public FieldOptions fieldOptions() {
            return fieldOptions;
        }

        @Override
        public OutputMemory outputMemory() {
            return outputMemory;
        }

        @Override
        public CircuitBreakers circuitBreakers() {
            return circuitBreakers;
        }

        @Override
        public EngineMetrics metrics() {
            return metrics;
        }

        @Override
        public ExecutionEvents events() {
            return events;
        }

        @Override
        public CompletionStage<Void> sendErrorNotification(ErrorNotification notification) {
            CompletableFuture<Void> firstTry = new CompletableFuture<>();
            send(notification, 1, firstTry);
            return firstTry;
        }

        /**
         * One try to start a notification's error scenario; the outbox row goes once its execution is stored. A try
         * that fails (the store is refusing, a plugin is being upgraded) is tried again after 1 s, doubling up to 5
         * minutes, for as long as this engine runs; the next start sends what is left. {@code firstTry} completes
         * when this try ended, never exceptionally.
         */
        void send(ErrorNotification notification, int attempt, CompletableFuture<Void> firstTry) {
            String failedId = notification.failedExecutionId();
            String failedScenario = notification.trigger().path("execution").path("scenarioId").asText(null);
            String errorScenarioId = notification.errorScenarioId();
            TraceContext parent = notification.traceId() == null || notification.parentSpanId() == null ? TraceContext.fresh()
                    : new TraceContext(notification.traceId(), notification.parentSpanId(), null);
            java.util.function.BiConsumer<LogLevel, String> note = (level, message) -> log.write(level, "execution", message, failedId,
                    failedScenario, null, parent.traceId(), parent.spanId(), List.of());
            // The lookup may read a database: never on an engine thread.
            nodeThreads.newThread(() -> {
                try {
                    Optional<Scenario> errorScenario = scenarios.find(errorScenarioId);
                    if (errorScenario.isEmpty()) {
                        note.accept(LogLevel.ERROR, "error scenario '" + errorScenarioId + "' does not exist: nobody is notified of this failure");
                        store.notificationSent(failedId);
                        firstTry.complete(null);
                        return;
                    }
                    // The notification joins the failed execution's trace, under its span.
                    ExecutionHandle handle = start(errorScenario.get(), notification.trigger(),
                            new TraceContext(parent.traceId(), TraceContext.newSpanId(), parent.spanId()));
                    handle.accepted().whenComplete((ignored, failure) -> {
                        if (failure == null) {
                            note.accept(LogLevel.INFO, "error scenario '" + errorScenarioId + "' notified as execution " + handle.executionId());
                            store.notificationSent(failedId);
                        } else {
                            sendLater(notification, attempt, note, failure.toString());
                        }
                        firstTry.complete(null);
                    });
                } catch (InvalidScenarioException e) {
                    // It would fail the same way every time: said once, and given up.
                    note.accept(LogLevel.ERROR, "error scenario '" + errorScenarioId + "' does not compile (" + e.getMessage()
                            + "): nobody is notified of this failure");
                    store.notificationSent(failedId);
                    firstTry.complete(null);
                } catch (RuntimeException e) {
                    sendLater(notification, attempt, note, e.getMessage());
                    firstTry.complete(null);
                }
            }).start();
        }

        private void sendLater(ErrorNotification notification, int attempt, java.util.function.BiConsumer<LogLevel, String> note, String why) {
            long delayMs = Math.min(300_000L, 1_000L << Math.min(attempt - 1, 20));
            note.accept(LogLevel.ERROR, "error scenario '" + notification.errorScenarioId() + "' could not start (" + why
                    + "); trying again in " + delayMs + " ms");
            try {
                timer.schedule(() -> send(notification, attempt + 1, new CompletableFuture<>()), delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.info("error notification of execution {} left in the outbox: it is sent at the next start", notification.failedExecutionId());
            }
        }

        @Override
        public ExecutionStore store() {
            return store;
        }

        @Override
        public CredentialStore credentials() {
            return credentials;
        }

        @Override
        public ExecutionLog log() {
            return log;
        }

        @Override
        public ErrorClassifier classifier() {
            return classifier;
        }

        @Override
        public ExpressionCompiler expressions() {
            return expressions;
        }

        @Override
        public ConfigurationValidator configurationValidator() {
            return configurationValidator;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public RandomGenerator random() {
            return seeded != null ? seeded : ThreadLocalRandom.current();
        }

        @Override
        public Executor engineExecutor() {
            return engineExecutor;
        }

        @Override
        public ScheduledExecutorService timer() {
            return timer;
        }

        @Override
        public ThreadFactory nodeThreads() {
            return nodeThreads;
        }

        @Override
        public Executor expressionThreads() {
            return expressionThreads;
        }

        @Override
        public long maxRetryDelayMs() {
            return maxRetryDelayMs;
        }

        @Override
        public Duration parkRetriesAfter() {
            return parkRetriesAfter;
        }

        @Override
        public void executionEnded(ExecutionRun run) {
            if (active.remove(run.id, run)) {
                run.scenario.plugins().forEach(PluginUsage::release);
                outputMemory.release(run.outputBytes());
            }
        }

        @Override
        public void internalError(String executionId, Throwable failure) {
            LOG.error("execution {} failed inside the engine", executionId, failure);
        }
    }
}
