package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;

/**
 * {@code merge}: joins branches. With several taken predecessors its output is an object keyed by their ids; with
 * one, that predecessor's output.
 */
final class MergeAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("merge", new MergeAction())
                .name("Merge")
                .description("Joins branches: an object keyed by the taken predecessors' ids, or the only one's output.")
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        var inputs = context.inputs();
        if (inputs.size() == 1) {
            return ActionResult.of(inputs.values().iterator().next());
        }
        return ActionResult.of(context.input());
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
