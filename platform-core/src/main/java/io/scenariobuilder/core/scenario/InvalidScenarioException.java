package io.scenariobuilder.core.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** A scenario document has problems; carries every one of them. */
public final class InvalidScenarioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ScenarioProblem> problems;

    public InvalidScenarioException(List<ScenarioProblem> problems) {
        super(problems.size() + " problem(s) in scenario:\n"
                + problems.stream().map(ScenarioProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found: structural ones first, in document order, then graph and node checks. */
    public List<ScenarioProblem> problems() {
        return problems;
    }
}
