package io.scenariobuilder.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.engine.NodeRecord;
import io.scenariobuilder.core.engine.NodeStatus;
import io.scenariobuilder.core.scenario.Scenario;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable report of {@code run}: one line per node, then the error and the execution log. */
final class RunSummary {

    private static final int OUTPUT_WIDTH = 70;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final Scenario scenario;
    private final ExecutionResult result;
    private final List<LogEntry> logs;

    RunSummary(Scenario scenario, ExecutionResult result, List<LogEntry> logs) {
        this.scenario = scenario;
        this.result = result;
        this.logs = logs;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("Scenario   ").append(scenario.name());
        if (!scenario.name().equals(scenario.id())) {
            out.append(" (").append(scenario.id()).append(')');
        }
        out.append('\n');
        out.append("Execution  ").append(result.id()).append('\n');
        out.append("Status     ").append(result.status().id().toUpperCase(java.util.Locale.ROOT))
                .append(" in ").append(result.duration()).append(" ms: ").append(counts()).append("\n\n");

        int idWidth = Math.max(4, result.nodes().stream().mapToInt(n -> n.nodeId().length()).max().orElse(4));
        String format = "  %-" + idWidth + "s  %-13s  %8s  %-8s  %s%n";
        out.append(String.format(format, "NODE", "STATUS", "DURATION", "ATTEMPTS", "OUTPUT"));
        for (NodeRecord node : result.nodes()) {
            out.append(String.format(format, node.nodeId(), node.status().id(),
                    node.duration() == null ? "-" : node.duration() + " ms",
                    node.attempts() == 0 ? "-" : Integer.toString(node.attempts()),
                    excerpt(node)));
        }
        if (result.error() != null) {
            out.append("\nError      ").append(result.error().type().id()).append(": ").append(result.error().message());
            if (result.error().nodeId() != null) {
                out.append(" (node ").append(result.error().nodeId()).append(')');
            }
            out.append('\n');
        }
        if (!logs.isEmpty()) {
            out.append("\nLog\n");
            for (LogEntry line : logs) {
                out.append("  ").append(line(line)).append('\n');
            }
        }
        return out.toString();
    }

    /** One execution log line: {@code 18:25:45.896  info     [announce] order 1042 totals 135}. */
    static String line(LogEntry line) {
        return TIME.format(line.timestamp()) + "  " + String.format("%-8s ", line.level().id())
                + (line.nodeId() == null ? "" : "[" + line.nodeId() + "] ") + line.message();
    }

    private String counts() {
        Map<NodeStatus, Long> byStatus = result.nodes().stream()
                .collect(Collectors.groupingBy(NodeRecord::status, Collectors.counting()));
        String parts = byStatus.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + " " + e.getKey().id())
                .collect(Collectors.joining(", "));
        return result.totalNodes() + " node" + (result.totalNodes() == 1 ? "" : "s") + " (" + parts + ")";
    }

    private static String excerpt(NodeRecord node) {
        if (node.status() == NodeStatus.FAILED && node.error() != null) {
            return cut("error " + node.error().type().id() + ": " + node.error().message());
        }
        if (node.status() == NodeStatus.WAITING_RETRY && node.error() != null) {
            return cut("retrying after " + node.error().type().id());
        }
        if (node.status() != NodeStatus.COMPLETED) {
            return "";
        }
        JsonNode output = node.output();
        return cut(output == null ? "null" : output.toString());
    }

    private static String cut(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= OUTPUT_WIDTH ? oneLine : oneLine.substring(0, OUTPUT_WIDTH - 1) + "…";
    }

}
