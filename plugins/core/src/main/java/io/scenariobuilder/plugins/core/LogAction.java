package io.scenariobuilder.plugins.core;

import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import java.util.Arrays;

/** {@code log}: writes its message to the execution log and passes its input on. */
final class LogAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("log", new LogAction())
                .name("Log")
                .description("Writes a message (a template) to the execution log; passes its input on.")
                .field(DynamicFieldConfig.builder("message", FieldType.TEXTAREA)
                        .label("Message")
                        .required(true)
                        .build())
                .field(DynamicFieldConfig.builder("level", FieldType.SELECT)
                        .label("Level")
                        .defaultValue(TextNode.valueOf(LogLevel.INFO.id()))
                        .validation(ValidationRules.oneOf(Arrays.stream(LogLevel.values()).map(LogLevel::id).toList()))
                        .build())
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        var configuration = context.configuration();
        LogLevel level = LogLevel.fromId(configuration.path("level").asText(LogLevel.INFO.id())).orElse(LogLevel.INFO);
        var message = configuration.get("message");
        context.logger().log(level, message.isTextual() ? message.asText() : message.toString());
        return ActionResult.of(context.input());
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
