package io.scenariobuilder.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionError;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeError;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.engine.TraceContext;
import io.scenariobuilder.core.store.ExecutionSummary;
import io.scenariobuilder.core.store.ResumableExecution;
import io.scenariobuilder.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The execution store's reads, on the reader pool (SQLite in WAL mode reads beside the writer): one execution, a page of
 * executions, an execution's log, and the executions to resume or retry with their outputs read back whole.
 */
final class ExecutionReads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource readers;

    ExecutionReads(DataSource readers) {
        this.readers = readers;
    }

    public Optional<ExecutionResult> find(String executionId) {
        try (Connection connection = readers.getConnection()) {
            String scenarioId;
            int version;
            ExecutionStatus status;
            Instant start;
            Instant end;
            ExecutionError error;
            String traceId;
            JsonNode trigger;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT scenario_id, scenario_version, status, start_time, end_time, error, trace_id, trigger_data FROM executions "
                            + "WHERE id = ?")) {
                st.setString(1, executionId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    scenarioId = rs.getString(1);
                    version = rs.getInt(2);
                    status = ExecutionStatus.fromId(rs.getString(3)).orElseThrow();
                    start = Instant.ofEpochMilli(rs.getLong(4));
                    long endMillis = rs.getLong(5);
                    end = rs.wasNull() ? null : Instant.ofEpochMilli(endMillis);
                    String errorJson = rs.getString(6);
                    error = errorJson == null ? null : JSON.readValue(errorJson, ExecutionError.class);
                    traceId = rs.getString(7);
                    trigger = JSON.readTree(rs.getString(8));
                }
            }
            List<NodeRecord> nodes = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT node_id, status, attempts, start_time, end_time, output, error, "
                    + "next_attempt_at, attempt_history FROM node_records WHERE execution_id = ? ORDER BY position")) {
                st.setString(1, executionId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Instant nodeStart = instant(rs, 4);
                        Instant nodeEnd = instant(rs, 5);
                        String output = rs.getString(6);
                        String nodeError = rs.getString(7);
                        nodes.add(new NodeRecord(rs.getString(1), nodeStatus(rs.getString(2)), rs.getInt(3), nodeStart, nodeEnd,
                                nodeStart != null && nodeEnd != null ? Duration.between(nodeStart, nodeEnd).toMillis() : null,
                                output == null ? NullNode.getInstance() : JSON.readTree(output),
                                nodeError == null ? null : JSON.readValue(nodeError, NodeError.class), instant(rs, 8),
                                attempts(rs.getString(9))));
                    }
                }
            }
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            int completed = 0;
            int failed = 0;
            for (NodeRecord node : nodes) {
                completed += node.status() == NodeStatus.COMPLETED ? 1 : 0;
                failed += node.status() == NodeStatus.FAILED ? 1 : 0;
                if (!node.output().isNull()) {
                    context.set(node.nodeId(), node.output());
                }
            }
            Long duration = end == null ? null : Duration.between(start, end).toMillis();
            return Optional.of(new ExecutionResult(executionId, scenarioId, version, status, start, end, duration, completed, failed,
                    nodes.size(), context, error, nodes, traceId, trigger));
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read execution " + executionId + ": " + JdbcErrors.rootMessage(e), e);
        }
    }

    public ExecutionSummary.Page list(String scenarioId, ExecutionStatus status, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, scenario_id, scenario_version, status, start_time, end_time, error "
                + "FROM executions WHERE 1 = 1");
        List<String> args = new ArrayList<>(3);
        if (scenarioId != null) {
            sql.append(" AND scenario_id = ?");
            args.add(scenarioId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.id());
        }
        if (cursor != null) {
            sql.append(" AND id < ?");
            args.add(cursor);
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(limit + 1);
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                st.setString(i + 1, args.get(i));
            }
            List<ExecutionSummary> items = new ArrayList<>(Math.min(limit + 1, 512));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant start = Instant.ofEpochMilli(rs.getLong(5));
                    Instant end = instant(rs, 6);
                    String error = rs.getString(7);
                    items.add(new ExecutionSummary(rs.getString(1), rs.getString(2), rs.getInt(3),
                            ExecutionStatus.fromId(rs.getString(4)).orElseThrow(), start, end,
                            end == null ? null : Duration.between(start, end).toMillis(),
                            error == null ? null : JSON.readValue(error, ExecutionError.class)));
                }
            }
            return items.size() > limit
                    ? new ExecutionSummary.Page(items.subList(0, limit), items.get(limit - 1).id())
                    : new ExecutionSummary.Page(items, null);
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot list executions: " + JdbcErrors.rootMessage(e), e);
        }
    }

    public List<LogEntry> logs(String executionId) {
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT l.ts, l.level, l.category, l.message, l.scenario_id, "
                        + "l.node_id, e.trace_id, l.span_id FROM execution_logs l LEFT JOIN executions e ON e.id = l.execution_id "
                        + "WHERE l.execution_id = ? ORDER BY l.seq")) {
            st.setString(1, executionId);
            List<LogEntry> logs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    logs.add(new LogEntry(Instant.ofEpochMilli(rs.getLong(1)), LogLevel.fromId(rs.getString(2)).orElse(LogLevel.INFO),
                            rs.getString(3), rs.getString(4), executionId, rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8)));
                }
            }
            return logs;
        } catch (SQLException e) {
            throw new StoreException("cannot read the logs of execution " + executionId + ": " + JdbcErrors.rootMessage(e), e);
        }
    }

    private static final String RESUMABLE = "SELECT e.id, s.document, e.trigger_data, e.status, e.start_time, e.trace_id, "
            // A left join: an execution whose snapshot is missing is still listed (with no document), so that it is
            // failed with the reason rather than silently never resumed.
            + "e.span_id, e.parent_span_id, e.unclean_stops FROM executions e LEFT JOIN scenario_snapshots s ON s.hash = e.scenario_hash ";

    /** The scenario document an execution ran, in one query (no node records, no spilled outputs). */
    public Optional<JsonNode> scenarioDocument(String executionId) {
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement("SELECT s.document FROM executions e "
                        + "JOIN scenario_snapshots s ON s.hash = e.scenario_hash WHERE e.id = ?")) {
            st.setString(1, executionId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(JSON.readTree(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read the scenario of execution " + executionId + ": " + JdbcErrors.rootMessage(e), e);
        }
    }

    public Optional<ResumableExecution> load(String executionId) {
        List<ResumableExecution> found = resumables(RESUMABLE + "WHERE e.id = ?", executionId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public List<ResumableExecution> unfinished() {
        return resumables(RESUMABLE + "WHERE e.status IN ('queued', 'running', 'paused') ORDER BY e.start_time, e.id", null);
    }

    private List<ResumableExecution> resumables(String sql, String executionId) {
        List<ResumableExecution> resumables = new ArrayList<>();
        try (Connection connection = readers.getConnection();
                PreparedStatement st = connection.prepareStatement(sql)) {
            if (executionId != null) {
                st.setString(1, executionId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String document = rs.getString(2);
                    resumables.add(new ResumableExecution(id, document == null ? null : JSON.readTree(document), JSON.readTree(rs.getString(3)),
                            ExecutionStatus.fromId(rs.getString(4)).orElseThrow(), Instant.ofEpochMilli(rs.getLong(5)),
                            whole(id, find(id).map(ExecutionResult::nodes).orElse(List.of())), trace(rs.getString(6), rs.getString(7), rs.getString(8)),
                            rs.getInt(9)));
                }
            }
            return resumables;
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read " + (executionId == null ? "the unfinished executions" : "execution " + executionId)
                    + ": " + JdbcErrors.rootMessage(e), e);
        }
    }

    /**
     * Node records with their spilled outputs read back whole: what a resumed or retried execution feeds later nodes
     * is exactly what the node produced, never the preview the API shows.
     */
    private List<NodeRecord> whole(String executionId, List<NodeRecord> nodes) throws SQLException, JsonProcessingException {
        List<NodeRecord> out = null;
        for (int i = 0; i < nodes.size(); i++) {
            NodeRecord node = nodes.get(i);
            if (node.output() == null || !node.output().path("_spilled").asBoolean(false)) {
                continue;
            }
            try (Connection connection = readers.getConnection(); PreparedStatement st = connection.prepareStatement(
                    "SELECT output FROM node_output_blobs WHERE execution_id = ? AND node_id = ?")) {
                st.setString(1, executionId);
                st.setString(2, node.nodeId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        continue; // stored before outputs were spilled: the preview is all there is
                    }
                    if (out == null) {
                        out = new ArrayList<>(nodes);
                    }
                    out.set(i, new NodeRecord(node.nodeId(), node.status(), node.attempts(), node.startTime(), node.endTime(),
                            node.duration(), JSON.readTree(rs.getString(1)), node.error(), node.nextAttemptAt(), node.attemptHistory()));
                }
            }
        }
        return out == null ? nodes : out;
    }

    /** A stored trace; a new one for an execution stored before traces existed. */
    private static TraceContext trace(String traceId, String spanId, String parentSpanId) {
        if (traceId == null || spanId == null) {
            return TraceContext.fresh();
        }
        return new TraceContext(traceId, spanId, parentSpanId);
    }

    private static List<io.scenariobuilder.core.engine.AttemptRecord> attempts(String json) throws JsonProcessingException {
        if (json == null) {
            return List.of();
        }
        List<io.scenariobuilder.core.engine.AttemptRecord> attempts = new ArrayList<>();
        for (JsonNode a : JSON.readTree(json)) {
            attempts.add(new io.scenariobuilder.core.engine.AttemptRecord(a.get("attempt").asInt(),
                    a.hasNonNull("startTime") ? Instant.ofEpochMilli(a.get("startTime").asLong()) : null,
                    a.hasNonNull("endTime") ? Instant.ofEpochMilli(a.get("endTime").asLong()) : null,
                    a.hasNonNull("error") ? JSON.treeToValue(a.get("error"), NodeError.class) : null,
                    a.hasNonNull("retryDelayMs") ? a.get("retryDelayMs").asLong() : null,
                    a.hasNonNull("spanId") ? a.get("spanId").asText() : null));
        }
        return attempts;
    }

    private static NodeStatus nodeStatus(String id) {
        for (NodeStatus status : NodeStatus.values()) {
            if (status.id().equals(id)) {
                return status;
            }
        }
        throw new StoreException("unknown node status '" + id + "' in the store", null);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
