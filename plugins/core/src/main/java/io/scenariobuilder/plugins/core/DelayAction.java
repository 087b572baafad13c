package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;

/**
 * {@code delay}: waits, then passes its input on. It runs on a virtual thread, so the wait holds no platform thread,
 * and the engine's interrupt ends it at once on cancel or timeout. The wait is measured from the node's first start,
 * so a delay resumed after a restart ends at its time, or at once when that passed while the platform was down.
 */
final class DelayAction implements NodeExecutor {

    static final long MAX_MS = 86_400_000L;

    static ActionDefinition definition() {
        return ActionDefinition.builder("delay", new DelayAction())
                .name("Delay")
                .description("Waits the given milliseconds, then passes its input on.")
                .field(DynamicFieldConfig.builder("ms", FieldType.NUMBER)
                        .label("Milliseconds")
                        .required(true)
                        .validation(ValidationRules.range(0, MAX_MS))
                        .build())
                .build();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        long ms = context.configuration().get("ms").asLong();
        long left = ms - java.time.Duration.between(context.nodeStartTime(), java.time.Instant.now()).toMillis();
        try {
            Thread.sleep(Math.max(0, Math.min(ms, left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntegrationException(ErrorType.CANCELLED, "delay interrupted", e);
        }
        return ActionResult.of(context.input());
    }

    @Override
    public Capabilities getCapabilities() {
        return new Capabilities(ExecutionStyle.BLOCKING, true);
    }
}
