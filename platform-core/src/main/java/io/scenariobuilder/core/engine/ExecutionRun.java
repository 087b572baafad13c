package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.ErrorSeverity;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.core.error.CircuitBreakers;
import io.scenariobuilder.core.error.ErrorInfo;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.expression.ConfigurationTemplate;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import io.scenariobuilder.core.expression.InlineEvaluation;
import io.scenariobuilder.core.expression.JsonValues;
import io.scenariobuilder.core.logging.Redactor;
import io.scenariobuilder.core.retry.Backoff;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.CompiledScenario.CompiledConnection;
import io.scenariobuilder.core.scenario.CompiledScenario.CompiledNode;
import io.scenariobuilder.core.scenario.Connection;
import io.scenariobuilder.core.scenario.OnError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * One execution of one scenario: the state machine of its nodes.
 *
 * <p>Every method that reads or changes state runs on the execution's {@link Mailbox}, one task at a time, so the
 * state needs no locks. Actions run elsewhere (virtual threads, or inline when non-blocking) and report back through
 * the mailbox. Every state change is written to the store, and what depends on a change waits for its write.
 */
final class ExecutionRun {

    /** How a connection was decided. */

    private static final class NodeState {
        NodeStatus status = NodeStatus.PENDING;
        int attempts;
        Instant startTime;
        Instant endTime;
        JsonNode output = NullNode.getInstance();
        long outputBytes;
        NodeError error;
        JsonNode input;
        Map<String, JsonNode> inputs;
        NodeAttempt current;
        ScheduledFuture<?> retryTimer;
        Instant nextAttemptAt;
        Instant attemptStart;
        List<AttemptRecord> history = new ArrayList<>(1);
        /** The attempt a scheduled retry follows: its thread may still be running after a timeout. */
        NodeAttempt previousAttempt;
    }

    private final EngineServices services;
    final String id;
    final TraceContext trace;
    final CompiledScenario scenario;
    private final JsonNode trigger;
    private final Instant startTime;
    private final Mailbox mailbox;
    /** The template warnings given already, by node, so that each is given once; mailbox only. */
    private final Set<Map.Entry<String, ConfigurationTemplate.Unresolved>> warnedTemplates = new HashSet<>();
    private final NodeState[] nodes;
    private final DecisionGraph graph;
    private final AtomicReferenceArray<NodeView> views;
    private final ExecutionDocument document;
    private final ArrayDeque<Integer> ready = new ArrayDeque<>();
    private final ArrayDeque<Integer> toDecide = new ArrayDeque<>();
    private final int maxConcurrent;
    private final CompletableFuture<Void> accepted = new CompletableFuture<>();
    private final CompletableFuture<ExecutionResult> completion = new CompletableFuture<>();

    /** Volatile for the gauges that read it from other threads; written only on the mailbox. */
    private volatile ExecutionStatus status = ExecutionStatus.QUEUED;
    private int running;
    /** Conditions being evaluated on the expression threads (too slow for the engine's): the run waits for them. */
    private int evaluating;
    /** Volatile for the gauges, as {@link #status}. */
    private volatile int waitingRetry;
    private int finalNodes;
    /** Set once the execution must end: no new node starts; it finishes with this status when nothing runs. */
    private ExecutionStatus stopWith;
    private ExecutionError error;
    private ScheduledFuture<?> scenarioTimeout;
    /** What is left of the scenario's {@code settings.timeoutMs} (counted while running only), or {@code null}. */
    private Long timeoutLeftMs;
    /** {@link System#nanoTime()} when the timeout last started counting. */
    private long runningSince;
    /** Which arming of the timeout is current: a tick of an earlier one is ignored. */
    private int timeoutGeneration;
    private boolean finished;
    /** Set once the execution left this server to wait for its retries in the store (a cluster): nothing more happens here. */
    private boolean parked;
    /** Set by a shutdown: nothing new starts, and {@link #drained} completes once nothing runs. */
    private boolean draining;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** The outputs this execution holds, in the engine's {@link OutputMemory}. */
    private final OutputAccount outputs;

    ExecutionRun(EngineServices services, String id, TraceContext trace, CompiledScenario scenario, JsonNode trigger,
            Instant startTime) {
        this.services = services;
        this.id = id;
        this.trace = trace;
        this.scenario = scenario;
        this.trigger = trigger == null ? JsonNodeFactory.instance.objectNode() : trigger;
        this.startTime = startTime;
        this.mailbox = new Mailbox(services.engineExecutor(), this::internalFailure);
        int n = scenario.nodes().size();
        this.nodes = new NodeState[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = new NodeState();
        }
        this.graph = new DecisionGraph(scenario);
        this.views = new AtomicReferenceArray<>(n);
        Map<String, Object> execution = new HashMap<>(4);
        execution.put("id", id);
        execution.put("scenarioId", scenario.scenario().id());
        execution.put("startTime", startTime.toString());
        this.document = new ExecutionDocument(JsonValues.toJava(this.trigger), Collections.unmodifiableMap(execution),
                scenario.indexById(), views);
        this.maxConcurrent = scenario.scenario().settings().maxConcurrentNodes();
        this.outputs = new OutputAccount(services.outputMemory());
    }

    CompletionStage<Void> accepted() {
        return accepted;
    }

    /** The status now, for gauges (any thread). */
    ExecutionStatus currentStatus() {
        return status;
    }

    /** Whether a node waits for its retry now, for gauges (any thread). */
    boolean waitingForRetry() {
        return waitingRetry > 0;
    }

    CompletionStage<ExecutionResult> completion() {
        return completion;
    }

    // ---------------------------------------------------------------- commands (enqueued on the mailbox)

    /** Stores the execution (with its schedule tick's claim, or null) and runs it once stored. */
    void start(io.scenariobuilder.core.store.ScheduleTick tick) {
        mailbox.execute(() -> {
            services.store().executionCreated(id, scenario.scenario().id(), scenario.scenario().version(), scenario.snapshot(),
                            trigger, ExecutionStatus.QUEUED, startTime, trace, tick)
                    .whenComplete((ignored, failure) -> {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof io.scenariobuilder.core.store.ScheduleTick.AlreadyRunException) {
                            // Nothing was stored: this run never was.
                            accepted.completeExceptionally(cause);
                            mailbox.execute(() -> {
                                finished = true;
                                services.executionEnded(this);
                                completion.completeExceptionally(cause);
                            });
                        } else if (failure != null) {
                            accepted.completeExceptionally(failure);
                            mailbox.execute(() -> internalFailure(failure));
                        } else {
                            announce(ExecutionStatus.QUEUED, null);
                            accepted.complete(null);
                            mailbox.execute(this::begin);
                        }
                    });
        });
    }

    /**
     * Resumes an execution from its stored records after a restart: completed, failed and skipped nodes are not run
     * again; a node that was running (or waiting for a retry) runs again, with the same idempotency key; a paused
     * execution stays paused.
     */
    void restore(ExecutionStatus storedStatus, List<NodeRecord> records) {
        accepted.complete(null);
        mailbox.execute(() -> doRestore(storedStatus, records, false));
    }

    /**
     * Runs a failed or incomplete execution on from its stored records, which the engine has reset for the nodes to
     * run again (pending, no attempts): completed nodes keep their outputs and do not run again. The scenario's
     * timeout counts from now.
     */
    void retry(List<NodeRecord> records) {
        accepted.complete(null);
        mailbox.execute(() -> doRestore(ExecutionStatus.RUNNING, records, true));
    }

    private void doRestore(ExecutionStatus storedStatus, List<NodeRecord> records, boolean retry) {
        Map<String, NodeRecord> byId = new HashMap<>();
        records.forEach(record -> byId.put(record.nodeId(), record));
        boolean[] finalInStore = new boolean[nodes.length];
        int rerun = 0;
        for (CompiledNode node : scenario.nodes()) {
            NodeRecord record = byId.get(node.id());
            if (record == null) {
                continue;
            }
            NodeState state = nodes[node.index()];
            state.attempts = record.attempts();
            state.history = new ArrayList<>(record.attemptHistory());
            state.startTime = record.startTime();
            state.endTime = record.endTime();
            state.output = record.output() == null ? NullNode.getInstance() : record.output();
            holdOutput(state);
            state.error = record.error();
            switch (record.status()) {
                case COMPLETED, FAILED, SKIPPED, CANCELLED -> {
                    state.status = record.status();
                    finalInStore[node.index()] = true;
                    finalNodes++;
                    publish(node.index());
                }
                case RUNNING -> {
                    // The attempt that was running when the process died runs again as the same attempt.
                    state.attempts = Math.max(0, record.attempts() - 1);
                    rerun++;
                }
                case WAITING_RETRY -> {
                    state.nextAttemptAt = record.nextAttemptAt();
                    rerun++;
                }
                case PENDING -> {
                }
            }
        }
        status = storedStatus == ExecutionStatus.PAUSED ? ExecutionStatus.PAUSED : ExecutionStatus.RUNNING;
        announce(status, null);
        if (storedStatus == ExecutionStatus.QUEUED) {
            write(services.store().executionUpdated(id, status, null, null));
        }
        if (retry) {
            log(LogLevel.INFO, "execution retried: " + finalNodes + " node(s) kept, the others run", null);
        } else {
            log(LogLevel.WARN, "execution resumed after a restart: " + finalNodes + " node(s) already done, " + rerun
                    + " to run again", null);
        }
        Long timeoutMs = scenario.scenario().settings().timeoutMs();
        if (timeoutMs != null) {
            // Time paused before a restart is not known after it: the time since the start counts, as running time.
            Instant from = retry ? services.clock().instant() : startTime;
            timeoutLeftMs = Math.max(0, timeoutMs - Duration.between(from, services.clock().instant()).toMillis());
            if (status == ExecutionStatus.RUNNING) {
                armTimeout();
            }
        }
        for (CompiledNode node : scenario.nodes()) {
            if (node.incoming().isEmpty() && !nodes[node.index()].status.isFinal()) {
                nodes[node.index()].input = trigger;
                nodes[node.index()].inputs = Map.of();
                enqueue(node.index());
            }
        }
        // Decide again what the finished nodes decided, in graph order: the same outputs give the same decisions.
        for (int index : scenario.topologicalOrder()) {
            NodeState state = nodes[index];
            if (!finalInStore[index]) {
                continue; // not finished before the restart, or skipped just now (which decided its connections)
            }
            OnError mode = scenario.nodes().get(index).node().onError();
            if (state.status == NodeStatus.CANCELLED) {
                stop(ExecutionStatus.CANCELLED, new ExecutionError(ErrorType.CANCELLED, "cancelled before the restart", null), null);
            } else if (state.status == NodeStatus.FAILED && (mode == OnError.FAIL || mode == OnError.BREAK)) {
                NodeError error = state.error;
                stop(mode == OnError.FAIL ? ExecutionStatus.FAILED : ExecutionStatus.INCOMPLETE,
                        new ExecutionError(error == null ? ErrorType.GENERIC_ERROR : error.type(),
                                error == null ? "failed" : error.message(), scenario.nodes().get(index).id()), null);
            } else {
                decideOutgoing(index);
            }
        }
        pump();
        parkIfOnlyRetriesWait(); // taken over from a stopped server with its retries far ahead: any server takes it then
    }

    CompletionStage<ExecutionStatus> pause() {
        return command(() -> {
            if (status != ExecutionStatus.RUNNING && status != ExecutionStatus.QUEUED) {
                throw new ExecutionStateException("execution " + id + " is " + status.id() + ": only a running execution can be paused");
            }
            setStatus(ExecutionStatus.PAUSED);
            disarmTimeout(); // the scenario's timeout counts running time, not time spent paused
            log(LogLevel.INFO, "execution paused", null);
            return status;
        });
    }

    CompletionStage<ExecutionStatus> resume() {
        return command(() -> {
            if (status != ExecutionStatus.PAUSED) {
                throw new ExecutionStateException("execution " + id + " is " + status.id() + ": only a paused execution can be resumed");
            }
            setStatus(ExecutionStatus.RUNNING);
            armTimeout();
            log(LogLevel.INFO, "execution resumed", null);
            pump();
            return status;
        });
    }

    CompletionStage<ExecutionStatus> cancel() {
        return command(() -> {
            if (finished) {
                throw new ExecutionStateException("execution " + id + " is " + status.id() + ": it cannot be cancelled");
            }
            if (stopWith != ExecutionStatus.CANCELLED) {
                log(LogLevel.WARN, "execution cancelled on request", null);
                stop(ExecutionStatus.CANCELLED, new ExecutionError(ErrorType.CANCELLED, "cancelled on request", null),
                        NodeAttempt.Reason.EXECUTION_CANCELLED);
                pump();
            }
            return ExecutionStatus.CANCELLED;
        });
    }

    /**
     * For a shutdown: no node starts any more (the stage completes once that holds). What has not run stays pending in
     * the store, and the execution resumes on the next start.
     */
    CompletionStage<Void> drain() {
        return command(() -> {
            draining = true;
            checkFinished();
            return null;
        });
    }

    /** Completes once no node runs after {@link #drain}. */
    CompletionStage<Void> drained() {
        return drained;
    }

    CompletionStage<ExecutionResult> snapshot() {
        return command(this::result);
    }

    private <T> CompletionStage<T> command(Supplier<T> action) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        mailbox.execute(() -> {
            try {
                answer.complete(action.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    // ---------------------------------------------------------------- the state machine (mailbox only)

    private void begin() {
        if (finished) {
            return;
        }
        if (status == ExecutionStatus.QUEUED) {
            setStatus(ExecutionStatus.RUNNING);
        }
        services.metrics().executionStarted(scenario.scenario().id());
        log(LogLevel.INFO, "execution started (scenario " + scenario.scenario().id() + " v" + scenario.scenario().version() + ")", null);
        Long timeoutMs = scenario.scenario().settings().timeoutMs();
        if (timeoutMs != null) {
            timeoutLeftMs = timeoutMs;
            armTimeout();
        }
        for (CompiledNode node : scenario.nodes()) {
            if (node.incoming().isEmpty()) {
                nodes[node.index()].input = trigger;
                nodes[node.index()].inputs = Map.of();
                ready.add(node.index());
            }
        }
        pump();
    }

    /** Starts ready nodes while the execution may and capacity allows; then checks whether it is over. */
    private void pump() {
        while (!draining && stopWith == null && status == ExecutionStatus.RUNNING && running < maxConcurrent && !ready.isEmpty()) {
            startAttempt(ready.poll());
        }
        checkFinished();
    }

    /**
     * Whether the engine's output memory lets this execution run an action now; if not, {@code retry} runs when
     * another execution gives memory back. Checked right before the action runs (after its start is stored), since
     * that is where memory is taken: checking earlier would let a whole group commit of starts through at once.
     */
    private boolean memoryAllows(Runnable retry) {
        return outputs.allows(() -> mailbox.execute(retry));
    }

    /** What this execution counted in the engine's output memory, to give back when it ends. */
    long outputBytes() {
        return outputs.published();
    }

    private void startAttempt(int index) {
        CompiledNode node = scenario.nodes().get(index);
        NodeState state = nodes[index];
        if (state.status == NodeStatus.WAITING_RETRY) {
            state.retryTimer = null;
            waitingRetry--;
        }
        state.nextAttemptAt = null;
        state.attempts++;
        state.status = NodeStatus.RUNNING;
        Instant now = services.clock().instant();
        state.attemptStart = now;
        if (state.startTime == null) {
            state.startTime = now;
        }
        NodeAttempt attempt = new NodeAttempt(index, state.attempts);
        state.current = attempt;
        running++;
        publish(index);
        if (ActionCalls.styleOf(node.action().definition().executor()) == ExecutionStyle.NON_BLOCKING) {
            // An inline action takes microseconds and touches nothing outside the process: its start is not written, only
            // its result (a crash before that leaves it pending, and it runs again, as a running one would).
            invoke(node, attempt);
        } else {
            afterStored(services.store().nodeUpdated(id, record(index)), () -> invoke(node, attempt));
        }
    }

    private void invoke(CompiledNode node, NodeAttempt attempt) {
        if (attempt.finished || attempt.invoked) {
            return; // cancelled while its start was being stored, or already running after a memory wait
        }
        if (!memoryAllows(() -> invoke(node, attempt))) {
            return;
        }
        attempt.invoked = true;
        NodeState state = nodes[node.index()];
        java.util.function.Supplier<Object> source = () -> document.with(JsonValues.toJava(state.input));
        if (node.configuration().isConstant()) {
            resolved(node, attempt, node.configuration().resolve(source), null); // no template: nothing evaluates
            return;
        }
        // Templates are resolved here when they are quick; one that takes longer is resolved again on the expression
        // threads, so that it holds no engine thread (every execution's state machine runs on those).
        Set<ConfigurationTemplate.Unresolved> nothing = ConcurrentHashMap.newKeySet(); // filled on whichever thread resolves
        InlineEvaluation.Outcome<JsonNode> inline = InlineEvaluation.attempt(() -> node.configuration().resolve(source, nothing::add));
        if (!inline.tooSlow()) {
            warnUnresolved(node, nothing);
            resolved(node, attempt, inline.value(), inline.failure());
            return;
        }
        offload(outputs.published(), () -> node.configuration().resolve(source, nothing::add), (value, failure) -> {
            if (!attempt.finished) {
                warnUnresolved(node, nothing);
                resolved(node, attempt, value, failure);
            }
        });
    }

    /**
     * A template path that resolved to nothing becomes null or an empty string, as in JSONata, but a misspelled path
     * should not go unseen: one warning per node, field and expression in each execution (not one per retry or item).
     */
    private void warnUnresolved(CompiledNode node, Set<ConfigurationTemplate.Unresolved> nothing) {
        for (ConfigurationTemplate.Unresolved unresolved : nothing) {
            if (warnedTemplates.add(Map.entry(node.id(), unresolved))) {
                String expression = unresolved.expression().length() > 200 ? unresolved.expression().substring(0, 200) + "..."
                        : unresolved.expression();
                log(LogLevel.WARN, "field '" + unresolved.field() + "': {{ " + expression + " }} resolved to nothing (no such path in "
                        + "the data), so it is empty", node.id());
            }
        }
    }

    /**
     * Runs {@code work} on the expression threads, then hands its value or failure to {@code then} on the mailbox. As an
     * action run on an engine thread would, it waits for the output memory first (with this execution's
     * {@code footprint}, read on the mailbox), and the expression thread takes its next work only once this result is
     * handled: outputs are counted before anything else is let through the memory bound.
     */
    private <T> void offload(long footprint, Callable<T> work, BiConsumer<T, Throwable> then) {
        AtomicBoolean started = new AtomicBoolean();
        services.expressionThreads().execute(() -> offloaded(footprint, work, then, started));
    }

    private <T> void offloaded(long footprint, Callable<T> work, BiConsumer<T, Throwable> then, AtomicBoolean started) {
        OutputMemory memory = services.outputMemory();
        if (!memory.mayStart(footprint)) {
            memory.waitForMemory(() -> services.expressionThreads().execute(() -> offloaded(footprint, work, then, started)));
            if (!memory.mayStart(footprint)) {
                return; // the retry above runs it once memory is given back
            }
        }
        if (!started.compareAndSet(false, true)) {
            return; // memory came back meanwhile and the retry already ran it
        }
        T value = null;
        Throwable failure = null;
        try {
            value = work.call();
        } catch (Throwable t) {
            failure = t;
        }
        T v = value;
        Throwable f = failure;
        CompletableFuture<Void> handled = new CompletableFuture<>();
        mailbox.execute(() -> {
            try {
                then.accept(v, f);
            } finally {
                handled.complete(null);
            }
        });
        try {
            handled.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the engine is shutting down
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The rest of {@link #invoke} once the node's configuration is resolved (or failed to). */
    private void resolved(CompiledNode node, NodeAttempt attempt, JsonNode configuration, Throwable resolveFailure) {
        if (resolveFailure instanceof ExpressionEvaluationException e) {
            attemptFinished(attempt, null, ErrorInfo.of(ErrorType.EXPRESSION_ERROR, e.getMessage()));
            return;
        }
        if (resolveFailure != null) {
            attemptFinished(attempt, null, classify(attempt, resolveFailure));
            return;
        }
        if (!node.configuration().isConstant()) {
            List<ConfigurationProblem> problems = services.configurationValidator()
                    .validate(configuration, node.action().definition(), false);
            if (!problems.isEmpty()) {
                attemptFinished(attempt, null, ErrorInfo.of(ErrorType.INVALID_INPUT, "resolved configuration is invalid: "
                        + problems.stream().map(p -> p.field() + ": " + p.message()).toList()));
                return;
            }
        }
        // Fields whose value must be one of the plugin's options: checked against them now (from the cache, or fetched
        // off this thread), so that an option no longer offered fails here, naming the field and what is offered.
        CompletionStage<FieldOptions.Check> optionsCheck =
                services.fieldOptions().checkResolved(node.action(), node.node().connectionId(), configuration);
        if (optionsCheck == null) {
            proceed(node, attempt, configuration);
            return;
        }
        JsonNode checkedConfiguration = configuration;
        optionsCheck.whenComplete((check, failure) -> mailbox.execute(() -> {
            if (attempt.finished) {
                return; // cancelled or timed out meanwhile
            }
            if (failure != null) {
                log(LogLevel.WARN, "execution", "node " + node.id() + ": options not checked: " + failure, node.id(), attempt);
            } else {
                check.warnings().forEach(warning -> log(LogLevel.WARN, "execution", "node " + node.id() + ": field '"
                        + warning.field() + "' " + warning.message(), node.id(), attempt));
                if (!check.problems().isEmpty()) {
                    attemptFinished(attempt, null, ErrorInfo.of(ErrorType.INVALID_INPUT, check.problems().stream()
                            .map(p -> "field '" + p.field() + "': " + p.message()).collect(java.util.stream.Collectors.joining("; "))));
                    return;
                }
            }
            proceed(node, attempt, checkedConfiguration);
        }));
    }

    /** The rest of {@link #invoke}: the connection, the circuit breaker, and the call. */
    private void proceed(CompiledNode node, NodeAttempt attempt, JsonNode configuration) {
        NodeState state = nodes[node.index()];
        io.scenariobuilder.core.store.CredentialStore.Credentials credentials = null;
        String connectionId = node.node().connectionId();
        if (connectionId != null) {
            String integrationId = node.node().integrationId();
            var found = services.credentials().credentials(connectionId, integrationId);
            if (found.isEmpty()) {
                // The store hands out only a connection of the node's own integration: a node cannot borrow another's.
                attemptFinished(attempt, null, ErrorInfo.of(ErrorType.INVALID_INPUT, "connection '" + connectionId
                        + "' does not exist for integration '" + integrationId + "' (a node may use only a connection of its own integration)"));
                return;
            }
            credentials = found.get();
            attempt.secrets = ActionCalls.secretValues(credentials.values());
        }
        CircuitBreakers.Call call = services.circuitBreakers().acquire(node.node().integrationId(), connectionId);
        if (!call.permitted()) {
            attemptFinished(attempt, null, new ErrorInfo(ErrorType.CIRCUIT_OPEN, call.rejection(), true, call.retryAfterMs()));
            return;
        }
        attempt.breakerCall = call;
        JsonNode input = state.input;
        NodeContext context = new NodeContext(input, state.inputs, configuration, credentials, connectionId, id,
                scenario.scenario().id(), node.id(), attempt.number, state.startTime, attempt, services.log(), services.expressions(),
                memoize(() -> document.with(JsonValues.toJava(input))), trace, attempt.spanId, attempt.secrets);
        Long timeoutMs = node.node().timeoutMs();
        if (timeoutMs != null) {
            attempt.timeout = services.timer().schedule(
                    () -> mailbox.execute(() -> cancelAttempt(attempt, NodeAttempt.Reason.TIMEOUT)), timeoutMs, TimeUnit.MILLISECONDS);
        }
        NodeExecutor executor = node.action().definition().executor();
        ClassLoader loader = node.action().integration().classLoader();
        ExecutionStyle style = ActionCalls.styleOf(executor);
        switch (style) {
            // Inline on this engine thread; the result goes through the mailbox, not recursively, so a long chain of
            // inline nodes does not grow the stack.
            case NON_BLOCKING -> {
                // Quick by contract, so run here; one that evaluates expressions for longer than the inline budget (a
                // heavy transform) is stopped and run again on the expression threads. Such actions have no effect
                // outside the process, so running one again is safe.
                Callable<ActionResult> action = () -> execute(executor, context, loader, node.id(), attempt);
                InlineEvaluation.Outcome<ActionResult> inline = InlineEvaluation.attempt(action);
                if (inline.tooSlow()) {
                    offload(outputs.published(), action,
                            (result, failure) -> attemptFinished(attempt, result, failure == null ? null : classify(attempt, failure)));
                } else {
                    mailbox.execute(() -> attemptFinished(attempt, inline.value(),
                            inline.failure() == null ? null : classify(attempt, inline.failure())));
                }
            }
            case ASYNC -> {
                CompletionStage<ActionResult> stage;
                ClassLoader previous = enter(loader, node.id(), attempt.spanId);
                try {
                    stage = executor.executeAsync(context);
                } catch (Throwable t) {
                    stage = CompletableFuture.failedFuture(t);
                } finally {
                    ActionCalls.leave(previous);
                }
                CompletableFuture<ActionResult> future = stage.toCompletableFuture();
                attempt.runningAs(future);
                future.whenComplete((result, failure) -> mailbox.execute(
                        () -> attemptFinished(attempt, result, failure == null ? null : classify(attempt, failure))));
            }
            case BLOCKING -> {
                Thread thread = services.nodeThreads().newThread(
                        () -> executeAndReport(executor, context, loader, node.id(), attempt));
                attempt.runningOn(thread);
                thread.start();
            }
        }
    }

    /** Calls {@code execute} on the current thread with the plugin's class loader and the node's MDC. */
    private ActionResult execute(NodeExecutor executor, NodeContext context, ClassLoader loader, String nodeId,
            NodeAttempt attempt) throws Exception {
        ClassLoader previous = enter(loader, nodeId, attempt.spanId);
        try {
            return executor.execute(context);
        } finally {
            ActionCalls.leave(previous);
        }
    }

    /** {@link #execute}, then its result or failure handed to the mailbox. */
    private void executeAndReport(NodeExecutor executor, NodeContext context, ClassLoader loader, String nodeId,
            NodeAttempt attempt) {
        ActionResult result = null;
        Throwable failure = null;
        try {
            result = execute(executor, context, loader, nodeId, attempt);
        } catch (Throwable t) {
            failure = t;
        }
        ActionResult r = result;
        Throwable f = failure;
        mailbox.execute(() -> attemptFinished(attempt, r, f == null ? null : classify(attempt, f)));
    }

    private ClassLoader enter(ClassLoader loader, String nodeId, String spanId) {
        return ActionCalls.enter(loader, id, scenario.scenario().id(), nodeId, trace.traceId(), spanId);
    }

    private ErrorInfo classify(NodeAttempt attempt, Throwable failure) {
        NodeAttempt.Reason reason = attempt.cancelReason();
        if (reason == NodeAttempt.Reason.TIMEOUT) {
            return timeoutError(attempt);
        }
        if (reason != null) {
            return ErrorInfo.of(ErrorType.CANCELLED, "node cancelled");
        }
        ErrorInfo info = services.classifier().classify(failure);
        String message = Redactor.redact(info.message(), attempt.secrets);
        return message == null || message.equals(info.message()) ? info
                : new ErrorInfo(info.type(), message, info.retryable(), info.retryAfterMs());
    }

    private ErrorInfo timeoutError(NodeAttempt attempt) {
        return ErrorInfo.of(ErrorType.TIMEOUT, "node '" + scenario.nodes().get(attempt.node).id() + "' exceeded its timeoutMs of "
                + scenario.nodes().get(attempt.node).node().timeoutMs() + " ms");
    }

    private void cancelAttempt(NodeAttempt attempt, NodeAttempt.Reason reason) {
        if (attempt.finished) {
            return;
        }
        attempt.cancel(reason);
        // Decide now rather than wait for the action to notice: an action that ignores interrupts must not hold the
        // execution. Its late result is ignored.
        ErrorInfo info = reason == NodeAttempt.Reason.TIMEOUT ? timeoutError(attempt) : ErrorInfo.of(ErrorType.CANCELLED, "node cancelled");
        attemptFinished(attempt, null, info);
    }

    private void attemptFinished(NodeAttempt attempt, ActionResult result, ErrorInfo reported) {
        if (attempt.finished) {
            return;
        }
        attempt.finished = true;
        // Every error message leaves masked, whoever wrote it (the engine's own may quote a value: a URL with a password).
        ErrorInfo failure = reported == null || reported.message() == null ? reported
                : new ErrorInfo(reported.type(), Redactor.redact(reported.message(), attempt.secrets), reported.retryable(),
                        reported.retryAfterMs());
        if (attempt.timeout != null) {
            attempt.timeout.cancel(false);
        }
        int index = attempt.node;
        NodeState state = nodes[index];
        state.current = null;
        running--;
        CompiledNode node = scenario.nodes().get(index);
        Instant now = services.clock().instant();
        boolean cancelled = failure != null && failure.type() == ErrorType.CANCELLED && attempt.cancelReason() != null;
        String outcome = failure == null ? "completed" : cancelled ? "cancelled" : "failed";
        String errorType = failure == null || cancelled ? null : failure.type().id();
        services.metrics().nodeAttempt(scenario.scenario().id(), node.node().integrationId(), node.node().actionId(), outcome,
                errorType, Duration.between(state.attemptStart, now).toNanos());
        if (services.events().hasSpanListeners()) {
            services.events().attemptEnded(new ExecutionEvents.AttemptSpan(trace, attempt.spanId, id, scenario.scenario().id(),
                    node.id(), node.node().integrationId(), node.node().actionId(), attempt.number, state.attemptStart, now, outcome,
                    errorType, failure == null ? null : failure.message()));
        }
        if (attempt.breakerCall != null) {
            CircuitBreakers.Call call = attempt.breakerCall;
            call.finished(failure == null ? null : failure.type()).ifPresent(breakerState -> log(
                    breakerState == CircuitBreakers.State.OPEN ? LogLevel.WARN : LogLevel.INFO, "integration",
                    "circuit breaker " + call.breakerName() + " is now " + breakerState.name().toLowerCase(java.util.Locale.ROOT)
                            + (failure == null ? "" : " after " + failure.type().id()), node.id(), attempt));
        }
        if (failure == null) {
            state.history.add(new AttemptRecord(attempt.number, state.attemptStart, now, null, null, attempt.spanId));
            state.status = NodeStatus.COMPLETED;
            state.output = result == null ? NullNode.getInstance() : result.output();
            holdOutput(state);
            state.error = null;
            state.endTime = now;
            finalNodes++;
            publish(index);
            if (ActionCalls.styleOf(node.action().definition().executor()) == ExecutionStyle.NON_BLOCKING) {
                // An inline action's result is written, but nothing waits for it: the writes commit in order, so a node
                // after it is stored after it, and any action that reaches outside the process first waits for its own
                // start record, which waits for this. A crash before the commit runs the inline action again.
                write(services.store().nodeUpdated(id, record(index)));
                decideOutgoing(index);
                pump();
            } else {
                afterStored(services.store().nodeUpdated(id, record(index)), () -> {
                    decideOutgoing(index);
                    pump();
                });
            }
            return;
        }
        // After a retry through the API the node has a fresh budget: attempt numbers go on, the last allowed moves.
        int base = budgetBase(state.history);
        int maxAttempts = base + node.retryPolicy().maxAttempts();
        state.error = new NodeError(failure.type(), failure.message(), failure.retryable(), failure.retryAfterMs(),
                attempt.number, maxAttempts);
        if (cancelled) {
            state.history.add(new AttemptRecord(attempt.number, state.attemptStart, now, state.error, null, attempt.spanId));
            state.status = NodeStatus.CANCELLED;
            state.endTime = now;
            finalNodes++;
            publish(index);
            afterStored(services.store().nodeUpdated(id, record(index)), this::pump);
            return;
        }
        if (failure.retryable() && attempt.number < maxAttempts && stopWith == null) {
            boolean platformDefault = node.node().retryPolicy() == null && node.action().definition().defaultRetryPolicy() == null;
            long delay = Backoff.delayMs(node.retryPolicy(), attempt.number - base,
                    Backoff.retryAfterMs(failure.type(), failure.retryAfterMs(), platformDefault), services.random(),
                    services.maxRetryDelayMs());
            state.history.add(new AttemptRecord(attempt.number, state.attemptStart, now, state.error, delay, attempt.spanId));
            state.previousAttempt = attempt;
            state.status = NodeStatus.WAITING_RETRY;
            state.nextAttemptAt = now.plusMillis(delay);
            waitingRetry++;
            publish(index);
            services.metrics().retryScheduled(node.node().integrationId(), node.node().actionId());
            log(LogLevel.WARN, "execution", "attempt " + attempt.number + "/" + maxAttempts + " failed (" + failure.type().id() + ": "
                    + failure.message() + "); retrying in " + delay + " ms", node.id(), attempt);
            afterStored(services.store().nodeUpdated(id, record(index)), () -> {
                if (state.status == NodeStatus.WAITING_RETRY && !parked) {
                    state.retryTimer = services.timer().schedule(
                            () -> mailbox.execute(() -> retryDue(index)), delay, TimeUnit.MILLISECONDS);
                }
                pump();
                parkIfOnlyRetriesWait();
            });
            return;
        }
        state.history.add(new AttemptRecord(attempt.number, state.attemptStart, now, state.error, null, attempt.spanId));
        failedForGood(index, failure);
    }

    /**
     * In a cluster: when nothing runs or waits here but retries due later than {@link EngineServices#parkRetriesAfter},
     * the execution leaves this server until the first of them. The store keeps it without an owner until then; any
     * server with room claims it at that time and resumes it, the retry firing at once. Not with a scenario timeout
     * counting (its clock is this server's), nor while an earlier attempt still runs.
     */
    private void parkIfOnlyRetriesWait() {
        java.time.Duration after = services.parkRetriesAfter();
        if (after == null || parked || finished || draining || stopWith != null || status != ExecutionStatus.RUNNING || running > 0
                || evaluating > 0 || !ready.isEmpty() || !toDecide.isEmpty() || waitingRetry == 0 || scenarioTimeout != null) {
            return;
        }
        Instant now = services.clock().instant();
        Instant first = null;
        for (NodeState state : nodes) {
            if (state.status == NodeStatus.WAITING_RETRY) {
                Thread previous = state.previousAttempt == null ? null : state.previousAttempt.thread();
                if (state.nextAttemptAt == null || (previous != null && previous.isAlive())) {
                    return;
                }
                first = first == null || state.nextAttemptAt.isBefore(first) ? state.nextAttemptAt : first;
            }
        }
        if (first == null || first.isBefore(now.plus(after))) {
            return;
        }
        parked = true;
        for (NodeState state : nodes) {
            if (state.retryTimer != null) {
                state.retryTimer.cancel(false);
                state.retryTimer = null;
            }
        }
        log(LogLevel.INFO, "only retries wait, the first in " + Duration.between(now, first).toMillis()
                + " ms: the execution leaves this server until then, for any server of the cluster with room", null);
        services.store().executionParked(id, first).whenComplete((ignored, failure) -> {
            if (failure != null) {
                services.internalError(id, failure);
            }
            services.executionEnded(this);
        });
    }

    private void retryDue(int index) {
        NodeState state = nodes[index];
        if (parked || state.status != NodeStatus.WAITING_RETRY || ready.contains(index)) {
            return;
        }
        // An attempt cut by its timeout may still be running (an action that ignores interrupts): the next one, with the
        // same idempotency key, waits for it to end, for LINGER_MS at most, and the history says when it did not.
        NodeAttempt previous = state.previousAttempt;
        Thread running = previous == null ? null : previous.thread();
        state.previousAttempt = null;
        if (running != null && running.isAlive()) {
            long waitFrom = System.nanoTime();
            Thread.ofVirtual().name("sb-linger-" + id + "-" + index).start(() -> {
                boolean ended;
                try {
                    ended = running.join(java.time.Duration.ofMillis(LINGER_MS));
                } catch (InterruptedException e) {
                    ended = false;
                }
                boolean endedInTime = ended;
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitFrom);
                mailbox.execute(() -> {
                    if (!endedInTime) {
                        notePreviousStillRunning(state, previous.number, waitedMs);
                        log(LogLevel.WARN, "execution", "attempt " + previous.number + " was still running " + waitedMs
                                + " ms after it was cut; attempt " + (previous.number + 1) + " starts beside it", scenario.nodes().get(index).id(),
                                null);
                    }
                    retryDue(index);
                });
            });
            return;
        }
        ready.addFirst(index);
        pump();
    }

    /** The longest the next attempt waits for a previous one's thread that ignores its interrupt. */
    static final long LINGER_MS = 30_000;

    private static void notePreviousStillRunning(NodeState state, int attempt, long waitedMs) {
        for (int i = state.history.size() - 1; i >= 0; i--) {
            if (state.history.get(i).attempt() == attempt) {
                state.history.set(i, state.history.get(i).stillRunning(waitedMs));
                return;
            }
        }
    }

    /**
     * The attempts a node had used before its current run: the number of its last attempt that ended it for good (an
     * error and no retry after it), which only a retry through the API follows. Derived from the stored history, so it
     * survives a restart.
     */
    static int budgetBase(List<AttemptRecord> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            AttemptRecord attempt = history.get(i);
            if (attempt.error() != null && attempt.retryDelayMs() == null) {
                return attempt.attempt();
            }
        }
        return 0;
    }

    private void failedForGood(int index, ErrorInfo failure) {
        NodeState state = nodes[index];
        CompiledNode node = scenario.nodes().get(index);
        if (state.error == null) {
            state.error = new NodeError(failure.type(), failure.message(), failure.retryable(), failure.retryAfterMs(),
                    state.attempts, budgetBase(state.history) + node.retryPolicy().maxAttempts());
        }
        state.status = NodeStatus.FAILED;
        state.endTime = services.clock().instant();
        finalNodes++;
        OnError mode = node.node().onError();
        if (mode == OnError.CONTINUE) {
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            output.set("error", ErrorDocuments.errorJson(state.error));
            state.output = output;
        }
        publish(index);
        // Errors that need a person (credentials refused, a breaker open) are critical whatever the node does next.
        LogLevel level = failure.type().severity().compareTo(ErrorSeverity.HIGH) >= 0 ? LogLevel.CRITICAL
                : mode == OnError.CONTINUE || mode == OnError.ROUTE ? LogLevel.WARN : LogLevel.ERROR;
        String lastSpan = state.history.isEmpty() ? null : state.history.get(state.history.size() - 1).spanId();
        log(level, "execution", "node failed (" + failure.type().id() + ": " + failure.message() + "); onError=" + mode.id(), node.id(),
                lastSpan, List.of());
        afterStored(services.store().nodeUpdated(id, record(index)), () -> {
            switch (mode) {
                case FAIL -> stop(ExecutionStatus.FAILED, new ExecutionError(failure.type(), failure.message(), node.id()), null);
                case BREAK -> stop(ExecutionStatus.INCOMPLETE, new ExecutionError(failure.type(), failure.message(), node.id()), null);
                case CONTINUE, ROUTE -> decideOutgoing(index);
            }
            pump();
        });
    }

    /** Decides the outgoing connections of a node in a final state, then every node that became decided. */
    private void decideOutgoing(int index) {
        toDecide.add(index);
        while (!toDecide.isEmpty()) {
            int source = toDecide.poll();
            NodeState state = nodes[source];
            OnError mode = scenario.nodes().get(source).node().onError();
            for (int c : scenario.nodes().get(source).outgoing()) {
                if (!graph.undecided(c)) {
                    continue; // each connection is decided once, even when a restore replays its source
                }
                CompiledConnection connection = scenario.connections().get(c);
                DecisionGraph.Decision decision = DecisionGraph.Decision.DEAD;
                if (DecisionGraph.eligible(state.status, mode, connection.connection().on())) {
                    decision = DecisionGraph.Decision.TAKEN;
                    if (connection.condition() != null) {
                        Object conditionDocument = document.with(JsonValues.toJava(carried(connection)));
                        InlineEvaluation.Outcome<Boolean> inline =
                                InlineEvaluation.attempt(() -> connection.condition().test(conditionDocument));
                        if (inline.tooSlow()) {
                            decideLater(c, connection, conditionDocument);
                            continue;
                        }
                        decision = conditionDecision(c, connection, inline.value(), inline.failure());
                    }
                }
                decide(c, decision);
            }
        }
    }

    private void decide(int c, DecisionGraph.Decision decision) {
        int target = graph.decide(c, decision);
        if (target >= 0) {
            nodeDecided(target);
        }
    }

    private DecisionGraph.Decision conditionDecision(int c, CompiledConnection connection, Boolean holds, Throwable failure) {
        if (failure == null) {
            return Boolean.TRUE.equals(holds) ? DecisionGraph.Decision.TAKEN : DecisionGraph.Decision.DEAD;
        }
        graph.failed(c, ErrorInfo.of(ErrorType.EXPRESSION_ERROR, "condition of connection " + connection.connection().fromNodeId()
                + " -> " + connection.connection().toNodeId() + " failed: " + (failure instanceof ExpressionEvaluationException
                ? failure.getMessage() : failure.toString())));
        return DecisionGraph.Decision.FAILED;
    }

    /**
     * A condition too slow for the engine thread: evaluated on the expression threads, then decided on the mailbox.
     * Until then the run does not finish ({@code evaluating}).
     */
    private void decideLater(int c, CompiledConnection connection, Object conditionDocument) {
        graph.evaluating(c);
        evaluating++;
        // A condition makes no output: the memory bound does not hold it.
        offload(1, () -> connection.condition().test(conditionDocument), (holds, failure) -> {
            evaluating--;
            if (finished) {
                return;
            }
            decide(c, conditionDecision(c, connection, holds, failure));
            while (!toDecide.isEmpty()) {
                decideOutgoing(toDecide.poll());
            }
            pump();
        });
    }

    /**
     * What a connection carries to its target: the source's output, or over an error connection {@code {"error": {...}}},
     * the same shape as a {@code continue} node's output, so that one handler serves both.
     */
    private JsonNode carried(CompiledConnection connection) {
        NodeState source = nodes[connection.from()];
        if (connection.connection().on() == Connection.Outcome.ERROR) {
            if (source.error == null) {
                return NullNode.getInstance();
            }
            ObjectNode carried = JsonNodeFactory.instance.objectNode();
            carried.set("error", ErrorDocuments.errorJson(source.error));
            return carried;
        }
        return source.output;
    }

    private void nodeDecided(int index) {
        CompiledNode node = scenario.nodes().get(index);
        NodeState state = nodes[index];
        if (state.status.isFinal()) {
            return; // restored after a restart: it already ran (or was skipped)
        }
        Map<String, JsonNode> inputs = new LinkedHashMap<>();
        ErrorInfo conditionError = null;
        for (int c : node.incoming()) {
            CompiledConnection connection = scenario.connections().get(c);
            if (graph.taken(c)) {
                String source = scenario.nodes().get(connection.from()).id();
                // A source taken both ways (continue with an error route) gives its normal output.
                if (!inputs.containsKey(source) || connection.connection().on() == Connection.Outcome.SUCCESS) {
                    inputs.put(source, carried(connection));
                }
            } else if (conditionError == null) {
                conditionError = graph.failure(c);
            }
        }
        if (conditionError != null && stopWith == null) {
            failedForGood(index, conditionError);
            return;
        }
        if (inputs.isEmpty()) {
            state.status = NodeStatus.SKIPPED;
            state.endTime = services.clock().instant();
            finalNodes++;
            publish(index);
            write(services.store().nodeUpdated(id, record(index)));
            toDecide.add(index);
            return;
        }
        state.inputs = Collections.unmodifiableMap(inputs);
        if (node.predecessorCount() == 1) {
            state.input = inputs.values().iterator().next();
        } else {
            ObjectNode keyed = JsonNodeFactory.instance.objectNode();
            inputs.forEach(keyed::set);
            state.input = keyed;
        }
        enqueue(index);
    }

    /**
     * Makes a decided node ready, or, for a retry restored from the store whose time has not come, waits for it
     * (holding no thread).
     */
    private void enqueue(int index) {
        NodeState state = nodes[index];
        Instant due = state.nextAttemptAt;
        long wait = due == null ? 0 : Duration.between(services.clock().instant(), due).toMillis();
        if (wait <= 0) {
            ready.add(index);
            return;
        }
        state.status = NodeStatus.WAITING_RETRY;
        waitingRetry++;
        publish(index);
        state.retryTimer = services.timer().schedule(() -> mailbox.execute(() -> retryDue(index)), wait, TimeUnit.MILLISECONDS);
    }

    /** Starts counting the rest of the scenario's timeout, if it has one and it is not counting already. */
    private void armTimeout() {
        if (timeoutLeftMs == null || scenarioTimeout != null || finished) {
            return;
        }
        runningSince = System.nanoTime();
        int generation = ++timeoutGeneration;
        scenarioTimeout = services.timer().schedule(() -> mailbox.execute(() -> {
            if (generation == timeoutGeneration && scenarioTimeout != null) {
                scenarioTimedOut(); // not a tick a pause cancelled after it had fired
            }
        }), timeoutLeftMs, TimeUnit.MILLISECONDS);
    }

    /** Stops counting the scenario's timeout (a pause), keeping what is left of it. */
    private void disarmTimeout() {
        if (scenarioTimeout == null) {
            return;
        }
        scenarioTimeout.cancel(false);
        scenarioTimeout = null;
        timeoutGeneration++;
        timeoutLeftMs = Math.max(0, timeoutLeftMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runningSince));
    }

    private void scenarioTimedOut() {
        if (finished || stopWith != null) {
            return;
        }
        String message = "execution exceeded settings.timeoutMs of " + scenario.scenario().settings().timeoutMs() + " ms";
        log(LogLevel.ERROR, message, null);
        stop(ExecutionStatus.FAILED, new ExecutionError(ErrorType.TIMEOUT, message, null), NodeAttempt.Reason.EXECUTION_TIMEOUT);
        pump();
    }

    /**
     * Ends the execution: nothing new starts; nodes waiting for a retry are cancelled; running attempts are cancelled
     * when {@code cancelRunning} is given, else they finish and are recorded.
     */
    private void stop(ExecutionStatus finalStatus, ExecutionError cause, NodeAttempt.Reason cancelRunning) {
        if (stopWith == null || finalStatus == ExecutionStatus.CANCELLED) {
            stopWith = finalStatus;
            error = cause;
        }
        for (int i = 0; i < nodes.length; i++) {
            NodeState state = nodes[i];
            if (state.status == NodeStatus.WAITING_RETRY) {
                if (state.retryTimer != null) {
                    state.retryTimer.cancel(false);
                    state.retryTimer = null;
                }
                waitingRetry--;
                state.status = NodeStatus.CANCELLED;
                state.endTime = services.clock().instant();
                finalNodes++;
                publish(i);
                write(services.store().nodeUpdated(id, record(i)));
            }
            if (cancelRunning != null && state.current != null) {
                cancelAttempt(state.current, cancelRunning);
            }
        }
        ready.clear();
    }

    private void checkFinished() {
        if (draining && running == 0) {
            drained.complete(null);
        }
        if (finished || running > 0 || evaluating > 0) {
            return;
        }
        if (stopWith != null) {
            finish(stopWith, error);
            return;
        }
        if (ready.isEmpty() && waitingRetry == 0 && finalNodes == nodes.length) {
            finish(ExecutionStatus.COMPLETED, null);
        }
    }

    private void finish(ExecutionStatus finalStatus, ExecutionError cause) {
        finished = true;
        if (scenarioTimeout != null) {
            scenarioTimeout.cancel(false);
        }
        status = finalStatus;
        Instant end = services.clock().instant();
        long ms = Duration.between(startTime, end).toMillis();
        services.metrics().executionFinished(scenario.scenario().id(), finalStatus.id(), Duration.between(startTime, end).toNanos());
        log(finalStatus == ExecutionStatus.COMPLETED ? LogLevel.INFO : LogLevel.WARN,
                "execution " + finalStatus.id() + " in " + ms + " ms", null);
        ExecutionResult result = result(end);
        String errorScenarioId = scenario.scenario().errorScenarioId();
        io.scenariobuilder.core.store.ErrorNotification notification = finalStatus == ExecutionStatus.FAILED && errorScenarioId != null
                && !ErrorDocuments.isErrorNotification(trigger)
                ? new io.scenariobuilder.core.store.ErrorNotification(id, errorScenarioId, errorNotification(result, cause), trace.traceId(),
                        trace.spanId(), end)
                : null;
        // The notification goes into the store's outbox in the failure's own transaction (never lost), and is sent once
        // stored; whoever waits for this execution hears of its end after the first try to send it.
        CompletionStage<Void> stored = notification == null
                ? services.store().executionUpdated(id, finalStatus, end, cause)
                : services.store().executionFailed(id, end, cause, notification)
                        .thenCompose(ignored -> services.sendErrorNotification(notification));
        stored.whenComplete((ignored, failure) -> {
            services.executionEnded(this);
            if (failure != null && refusedByStore(failure) != null) {
                // The store refused one of this execution's writes and recorded it as failed: say what it says.
                mailbox.execute(() -> {
                    status = ExecutionStatus.FAILED;
                    error = new ExecutionError(ErrorType.INTERNAL_ERROR, refusedByStore(failure).getMessage(), null);
                    announce(status, ErrorType.INTERNAL_ERROR.id());
                    completion.complete(result(end));
                });
            } else if (failure != null) {
                completion.completeExceptionally(failure);
            } else {
                // Told once stored: whoever reads the execution on this event finds it final.
                announce(finalStatus, cause == null ? null : cause.type().id());
                completion.complete(result);
            }
        });
        if (services.events().hasSpanListeners()) {
            services.events().executionEnded(new ExecutionEvents.ExecutionSpan(trace, id, scenario.scenario().id(),
                    scenario.scenario().version(), startTime, end, finalStatus.id(), cause == null ? null : cause.type().id(),
                    cause == null ? null : cause.message()));
        }
    }

    /** The trigger data of this execution's error scenario (see {@link ErrorDocuments#notification}). */
    private JsonNode errorNotification(ExecutionResult result, ExecutionError cause) {
        return ErrorDocuments.notification(id, scenario, startTime, result, cause, index -> nodes[index].error, index -> nodes[index].attempts);
    }

    private void setStatus(ExecutionStatus next) {
        status = next;
        announce(next, null);
        write(services.store().executionUpdated(id, next, null, null));
    }

    /** A write nothing waits for; its failure still fails the execution. */
    private void write(CompletionStage<Void> stage) {
        stage.whenComplete((ignored, failure) -> {
            if (failure != null) {
                mailbox.execute(() -> internalFailure(failure));
            }
        });
    }

    private void afterStored(CompletionStage<Void> write, Runnable next) {
        CompletableFuture<Void> future = write.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            next.run();
            return;
        }
        future.whenComplete((ignored, failure) -> mailbox.execute(() -> {
            if (failure != null) {
                internalFailure(failure);
            } else {
                next.run();
            }
        }));
    }

    /** The store's refusal of one of this execution's writes, which it recorded as the execution's failure; or null. */
    private static io.scenariobuilder.core.store.StoreException refusedByStore(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof io.scenariobuilder.core.store.StoreException stored && stored.executionFailureRecorded()) {
                return stored;
            }
        }
        return null;
    }

    /**
     * The store refused one of this execution's writes for good, or the engine itself failed: the execution fails
     * with {@code internal_error} rather than hang, and the store says the same as memory. When the store refused a
     * write it has already recorded the failure (and refuses later writes); otherwise the failure is written here.
     */
    private void internalFailure(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        boolean storeRecorded = refusedByStore(cause) != null;
        if (finished) {
            if (!storeRecorded) {
                services.internalError(id, cause); // a refused write's later writes are refused too: said once
            }
            return;
        }
        services.internalError(id, cause);
        accepted.completeExceptionally(cause);
        for (NodeState state : nodes) {
            if (state.current != null) {
                state.current.cancel(NodeAttempt.Reason.EXECUTION_CANCELLED);
            }
        }
        finished = true;
        if (scenarioTimeout != null) {
            scenarioTimeout.cancel(false);
        }
        status = ExecutionStatus.FAILED;
        error = new ExecutionError(ErrorType.INTERNAL_ERROR, storeRecorded ? cause.getMessage() : "internal error: " + cause, null);
        Instant end = services.clock().instant();
        if (!storeRecorded) {
            services.store().executionUpdated(id, status, end, error).whenComplete((ignored, writeFailure) -> {
                if (writeFailure != null) {
                    services.internalError(id, writeFailure);
                }
            });
        }
        announce(status, ErrorType.INTERNAL_ERROR.id());
        services.metrics().executionFinished(scenario.scenario().id(), status.id(),
                Duration.between(startTime, end).toNanos());
        services.executionEnded(this);
        if (accepted.isCompletedExceptionally()) {
            completion.completeExceptionally(cause); // never stored: there is no execution to show
        } else {
            completion.complete(result(end)); // failed, as stored: a caller waiting for the result sees what the API shows
        }
    }

    /**
     * Counts a node's output in what this execution holds in memory (given back when it ends). Only whole 64 KiB
     * steps reach the engine-wide counter, so the small outputs of most nodes never touch a shared variable.
     */
    private void holdOutput(NodeState state) {
        state.outputBytes = outputs.hold(state.output, state.output == state.input || state.output == trigger);
    }

    private void publish(int index) {
        NodeState state = nodes[index];
        views.set(index, new NodeView(state.status, state.output, state.error == null ? null : ErrorDocuments.errorJson(state.error),
                state.outputBytes));
        ExecutionEvents events = services.events();
        if (events.hasListeners()) {
            events.publish(ExecutionEvent.node(id, scenario.scenario().id(), scenario.nodes().get(index).id(), state.status,
                    services.clock().instant(), state.attempts,
                    state.status == NodeStatus.FAILED && state.error != null ? state.error.type().id() : null));
        }
    }

    /** Tells listeners the execution's new status. */
    private void announce(ExecutionStatus next, String errorType) {
        ExecutionEvents events = services.events();
        if (events.hasListeners()) {
            events.publish(ExecutionEvent.execution(id, scenario.scenario().id(), next, services.clock().instant(), errorType));
        }
    }

    private void log(LogLevel level, String message, String nodeId) {
        log(level, "execution", message, nodeId, null);
    }

    /** A line of this execution; {@code attempt} gives its node attempt's span and secrets, else the execution's span. */
    private void log(LogLevel level, String category, String message, String nodeId, NodeAttempt attempt) {
        log(level, category, message, nodeId, attempt == null ? null : attempt.spanId, attempt == null ? List.of() : attempt.secrets);
    }

    private void log(LogLevel level, String category, String message, String nodeId, String spanId, java.util.Collection<String> secrets) {
        services.log().write(level, category, message, id, scenario.scenario().id(), nodeId, trace.traceId(),
                spanId == null ? trace.spanId() : spanId, secrets);
    }

    private NodeRecord record(int index) {
        NodeState state = nodes[index];
        Long duration = state.startTime != null && state.endTime != null
                ? Duration.between(state.startTime, state.endTime).toMillis()
                : null;
        return new NodeRecord(scenario.nodes().get(index).id(), state.status, state.attempts, state.startTime,
                state.endTime, duration, state.output, state.error, state.nextAttemptAt, state.history);
    }

    private ExecutionResult result() {
        return result(null);
    }

    private ExecutionResult result(Instant end) {
        List<NodeRecord> records = new ArrayList<>(nodes.length);
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        int completed = 0;
        int failed = 0;
        for (int i = 0; i < nodes.length; i++) {
            NodeRecord record = record(i);
            records.add(record);
            if (record.status() == NodeStatus.COMPLETED) {
                completed++;
                context.set(record.nodeId(), record.output());
            } else if (record.status() == NodeStatus.FAILED) {
                failed++;
                if (!record.output().isNull()) {
                    context.set(record.nodeId(), record.output());
                }
            }
        }
        Long duration = end == null ? null : Duration.between(startTime, end).toMillis();
        return new ExecutionResult(id, scenario.scenario().id(), scenario.scenario().version(), status, startTime, end,
                duration, completed, failed, nodes.length, context, error, records, trace.traceId(), trigger);
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    v = supplier.get();
                    value = v;
                }
                return v;
            }
        };
    }
}
