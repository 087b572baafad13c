package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.ActionDefinition;

/** {@code noop}: passes its input on unchanged. */
final class NoopAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("noop", new NoopAction())
                .name("No operation")
                .description("Passes its input on unchanged.")
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        return ActionResult.of(context.input());
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
