package io.scenariobuilder.api.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * What a successful action returns: its output, which later nodes see as {@code nodes.<id>.output}.
 *
 * <pre>{@code return ActionResult.of(context.input());}</pre>
 *
 * @param output the output; JSON {@code null} when the action has nothing to say
 */
public record ActionResult(JsonNode output) {

    public ActionResult {
        output = Objects.requireNonNullElse(output, NullNode.getInstance());
    }

    /** A result with this output ({@code null} becomes JSON null). */
    public static ActionResult of(JsonNode output) {
        return new ActionResult(output);
    }
}
