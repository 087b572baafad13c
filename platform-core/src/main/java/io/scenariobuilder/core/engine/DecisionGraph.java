package io.scenariobuilder.core.engine;

import io.scenariobuilder.core.error.ErrorInfo;
import io.scenariobuilder.core.scenario.CompiledScenario;
import io.scenariobuilder.core.scenario.Connection;
import io.scenariobuilder.core.scenario.OnError;

/**
 * What one execution has decided about its connections: each is decided once (taken, dead, or failed because its
 * condition failed), and a node is ready to be decided itself once every connection into it is. Confined to the
 * execution's mailbox.
 */
final class DecisionGraph {

    /** A connection's state. {@code EVALUATING}: its condition runs on the expression threads. */
    enum Decision { UNDECIDED, EVALUATING, TAKEN, DEAD, FAILED }

    private final CompiledScenario scenario;
    private final Decision[] decisions;
    private final ErrorInfo[] errors;
    /** Per node: connections into it not decided yet. */
    private final int[] undecided;

    DecisionGraph(CompiledScenario scenario) {
        this.scenario = scenario;
        int n = scenario.nodes().size();
        this.undecided = new int[n];
        for (int i = 0; i < n; i++) {
            undecided[i] = scenario.nodes().get(i).incoming().size();
        }
        this.decisions = new Decision[scenario.connections().size()];
        this.errors = new ErrorInfo[decisions.length];
        java.util.Arrays.fill(decisions, Decision.UNDECIDED);
    }

    /**
     * Whether a connection out of a node that ended so is followed at all (before its condition): a success
     * connection after a completed node; an error connection after a node failed under {@code route} or
     * {@code continue}; a success connection after a failure under {@code continue}.
     */
    static boolean eligible(NodeStatus sourceStatus, OnError sourceMode, Connection.Outcome on) {
        boolean errorEdge = on == Connection.Outcome.ERROR;
        return switch (sourceStatus) {
            case COMPLETED -> !errorEdge;
            case FAILED -> errorEdge ? (sourceMode == OnError.ROUTE || sourceMode == OnError.CONTINUE) : sourceMode == OnError.CONTINUE;
            default -> false;
        };
    }

    /** Whether the connection is still to be decided (a restore replaying its source decides nothing twice). */
    boolean undecided(int connection) {
        return decisions[connection] == Decision.UNDECIDED;
    }

    /** Its condition is being evaluated off the engine thread. */
    void evaluating(int connection) {
        decisions[connection] = Decision.EVALUATING;
    }

    /** Its condition failed: the target node fails with {@code error}. */
    void failed(int connection, ErrorInfo error) {
        errors[connection] = error;
    }

    /**
     * Decides a connection; answers its target's index when that was the last connection into it to decide, else -1.
     */
    int decide(int connection, Decision decision) {
        decisions[connection] = decision;
        int target = scenario.connections().get(connection).to();
        return --undecided[target] == 0 ? target : -1;
    }

    boolean taken(int connection) {
        return decisions[connection] == Decision.TAKEN;
    }

    /** The failure of the connection's condition, when it was decided {@code FAILED}; else null. */
    ErrorInfo failure(int connection) {
        return decisions[connection] == Decision.FAILED ? errors[connection] : null;
    }
}
