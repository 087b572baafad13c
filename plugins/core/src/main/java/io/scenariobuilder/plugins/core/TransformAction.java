package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.FieldUi;
import io.scenariobuilder.api.integration.ActionDefinition;

/** {@code transform}: the value of a JSONata expression over the node's expression document. */
final class TransformAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("transform", new TransformAction())
                .name("Transform")
                .description("Outputs the value of a JSONata expression over trigger, nodes, execution and input.")
                .field(DynamicFieldConfig.builder("expression", FieldType.TEXTAREA)
                        .label("Expression")
                        .description("A bare JSONata expression (no {{ }}).")
                        .required(true)
                        .ui(FieldUi.jsonata("e.g. { 'total': $sum(input.lines.price) }"))
                        .build())
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        return ActionResult.of(context.evaluate(context.configuration().get("expression").asText()));
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
