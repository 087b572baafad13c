package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;

/** {@code set}: outputs its {@code values} object, templates already resolved by the engine. */
final class SetAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("set", new SetAction())
                .name("Set values")
                .description("Outputs the given values; {{ }} templates in them are resolved.")
                .field(DynamicFieldConfig.builder("values", FieldType.JSON)
                        .label("Values")
                        .description("An object of names to any JSON values.")
                        .required(true)
                        .build())
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        return ActionResult.of(context.configuration().get("values"));
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
