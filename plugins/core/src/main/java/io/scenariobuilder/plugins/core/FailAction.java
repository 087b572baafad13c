package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import java.time.Duration;
import java.util.Arrays;

/**
 * {@code fail}: throws the configured error, for testing error handling. With {@code failTimes} n only attempts 1..n
 * fail; later attempts pass the input on.
 */
final class FailAction implements NodeExecutor {

    static ActionDefinition definition() {
        return ActionDefinition.builder("fail", new FailAction())
                .name("Fail")
                .description("Throws the configured error; with failTimes n only the first n attempts fail.")
                .field(DynamicFieldConfig.builder("errorType", FieldType.SELECT)
                        .label("Error type")
                        .required(true)
                        .validation(ValidationRules.oneOf(Arrays.stream(ErrorType.values()).map(ErrorType::id).toList()))
                        .build())
                .field(DynamicFieldConfig.builder("message", FieldType.INPUT).label("Message").build())
                .field(DynamicFieldConfig.builder("retryAfterMs", FieldType.NUMBER)
                        .label("Retry after (ms)")
                        .validation(ValidationRules.range(0, Long.MAX_VALUE))
                        .build())
                .field(DynamicFieldConfig.builder("failTimes", FieldType.NUMBER)
                        .label("Fail this many attempts")
                        .validation(ValidationRules.range(1, Integer.MAX_VALUE))
                        .build())
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        var configuration = context.configuration();
        if (configuration.hasNonNull("failTimes") && context.attempt() > configuration.get("failTimes").asInt()) {
            return ActionResult.of(context.input());
        }
        ErrorType type = ErrorType.fromId(configuration.get("errorType").asText())
                .orElseThrow(() -> IntegrationException.invalidInput("unknown errorType " + configuration.get("errorType")));
        String message = configuration.path("message").asText("failed on purpose (" + type.id() + ")");
        Duration retryAfter = configuration.hasNonNull("retryAfterMs")
                ? Duration.ofMillis(configuration.get("retryAfterMs").asLong())
                : null;
        throw new IntegrationException(type, message, type.retryableByDefault(), retryAfter, null);
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
