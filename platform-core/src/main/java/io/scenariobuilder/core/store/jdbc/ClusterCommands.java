package io.scenariobuilder.core.store.jdbc;

import io.scenariobuilder.core.engine.CommandRelay;
import io.scenariobuilder.core.engine.ExecutionCommand;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionStateException;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.UnknownExecutionException;
import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pause, resume and cancel for an execution another server of the cluster runs. The command is a row of
 * {@code execution_commands} for the execution's owner, which is told by {@link ClusterBus#COMMANDS} and also reads its
 * rows every second (a lost notification only delays a command). The owner applies it as a local command and writes
 * the answer back; the sender waits for that answer, at most {@link #ANSWER_WITHIN}. When the owner is not alive, the
 * sender claims the execution itself (as after the lease), runs it, and applies the command here.
 */
public final class ClusterCommands implements CommandRelay, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCommands.class);

    /** The longest a sender waits for the owner's answer. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private final JdbcExecutionStore store;
    private final ClusterMembership membership;
    private final ClusterBus bus;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ExecutionEngine engine;
    private volatile boolean closed;
    private Thread poller;
    private long lastWarn = System.nanoTime() - 10_000_000_001L;

    public ClusterCommands(JdbcExecutionStore store, ClusterMembership membership, ClusterBus bus) {
        this.store = store;
        this.membership = membership;
        this.bus = bus;
        bus.on(ClusterBus.COMMANDS, owner -> {
            if (owner.equals(membership.id())) {
                process();
            }
        });
        bus.onReconnect(this::process);
    }

    /** Takes the engine's commands for executions it does not run, and applies those sent to this server. */
    public void attach(ExecutionEngine engine) {
        this.engine = engine;
        engine.relay(this);
        poller = Thread.ofPlatform().name("sb-cluster-commands").daemon().start(() -> {
            long sweeps = 0;
            while (!closed) {
                try {
                    Thread.sleep(1_000);
                    process();
                    if (++sweeps % 60 == 0) {
                        forgetAnswered(Duration.ofHours(1));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (System.nanoTime() - lastWarn > 10_000_000_000L) { // once in 10 s through a database outage
                        lastWarn = System.nanoTime();
                        LOG.warn("cannot read the commands sent to this server: {}", e.getMessage());
                    }
                }
            }
        });
    }

    @Override
    public Optional<CompletionStage<ExecutionStatus>> send(String executionId, ExecutionCommand command) {
        Owner owner = owner(executionId);
        if (owner == null || owner.finished() || membership.id().equals(owner.id())) {
            return Optional.empty(); // unknown, finished, or this server's: the engine answers itself
        }
        if (!owner.alive()) {
            // Its server stopped: claim it now rather than wait for the lease's sweep, and run it here.
            store.claimOrphan(executionId, membership.lease()).ifPresent(claimed -> engine.resumeStored(List.of(claimed)));
            return Optional.empty();
        }
        String id = "cmd-" + Long.toHexString(System.nanoTime()) + Long.toHexString(ThreadLocalRandom.current().nextLong());
        update("INSERT INTO execution_commands (id, execution_id, owner, command, requested_at) VALUES (?, ?, ?, ?, "
                + JdbcExecutionStore.DB_NOW_MS + ")", id, executionId, owner.id(), command.id());
        bus.publish(ClusterBus.COMMANDS, owner.id());
        return Optional.of(CompletableFuture.supplyAsync(() -> answer(id, executionId), task -> Thread.ofVirtual().start(task)));
    }

    private record Owner(String id, boolean finished, boolean alive) {
    }

    private Owner owner(String executionId) {
        try (Connection connection = store.dataSource().getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT e.owner, e.status, e.owner IN " + JdbcExecutionStore.ALIVE
                        + " FROM executions e WHERE e.id = ?")) {
            st.setLong(1, membership.lease().toMillis());
            st.setString(2, executionId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                boolean finished = ExecutionStatus.fromId(rs.getString(2)).map(ExecutionStatus::isFinal).orElse(true);
                return new Owner(rs.getString(1), finished, rs.getBoolean(3));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot find which server runs execution " + executionId + ": " + JdbcErrors.rootMessage(e), e);
        }
    }

    /** Waits for the owner's answer to command {@code id}. */
    private ExecutionStatus answer(String id, String executionId) {
        long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = store.dataSource().getConnection();
                    PreparedStatement st = connection.prepareStatement("SELECT done_at, result, error FROM execution_commands WHERE id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        if (rs.getString(3) != null) {
                            throw new ExecutionStateException(rs.getString(3));
                        }
                        return ExecutionStatus.fromId(rs.getString(2)).orElseThrow();
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the answer to a command for execution " + executionId + ": "
                        + JdbcErrors.rootMessage(e), e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }
        throw new ExecutionStateException("the server running execution " + executionId + " did not answer in "
                + ANSWER_WITHIN.toSeconds() + " s; if it stopped, another server takes the execution over within the lease: try again");
    }

    /** Applies the commands sent to this server that it has not answered yet. */
    void process() {
        ExecutionEngine local = engine;
        if (local == null || closed) {
            return;
        }
        try (Connection connection = store.dataSource().getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT id, execution_id, command FROM execution_commands "
                        + "WHERE owner = ? AND done_at IS NULL ORDER BY requested_at")) {
            st.setString(1, membership.id());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String executionId = rs.getString(2);
                    ExecutionCommand command = ExecutionCommand.fromId(rs.getString(3)).orElse(null);
                    if (!inFlight.add(id)) {
                        continue;
                    }
                    if (command == null) {
                        answered(id, null, "unknown command '" + rs.getString(3) + "'");
                        continue;
                    }
                    local.command(executionId, command).whenComplete((status, failure) -> {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                        answered(id, status, cause == null ? null : cause instanceof ExecutionStateException
                                || cause instanceof UnknownExecutionException ? cause.getMessage() : cause.toString());
                    });
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the commands sent to this server: " + JdbcErrors.rootMessage(e), e);
        }
    }

    private void answered(String id, ExecutionStatus status, String error) {
        try {
            update("UPDATE execution_commands SET done_at = " + JdbcExecutionStore.DB_NOW_MS + ", result = ?, error = ? WHERE id = ?",
                    status == null ? null : status.id(), error, id);
        } finally {
            inFlight.remove(id);
        }
    }

    /** Forgets answered commands older than {@code after}. */
    int forgetAnswered(Duration after) {
        return update("DELETE FROM execution_commands WHERE done_at IS NOT NULL AND done_at < " + JdbcExecutionStore.DB_NOW_MS + " - "
                + after.toMillis());
    }

    private int update(String sql, String... values) {
        try (Connection connection = store.dataSource().getConnection(); PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setString(i + 1, values[i]);
            }
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot write a command of the cluster: " + JdbcErrors.rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) {
            poller.interrupt();
        }
    }
}
