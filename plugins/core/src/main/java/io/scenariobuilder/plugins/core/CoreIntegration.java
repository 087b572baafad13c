package io.scenariobuilder.plugins.core;

import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/**
 * The built-in {@code core} integration: the flow and data nodes of {@code core-nodes.md}. Needs no connection.
 */
@Extension
public final class CoreIntegration implements Integration {

    /** The integration id scenarios use. */
    public static final String ID = "core";

    private final IntegrationManifest manifest = new IntegrationManifest(
            ID,
            "Core",
            "1.0.0",
            "Flow and data nodes built into the platform.",
            null,
            null,
            List.<ActionDefinition>of(
                    NoopAction.definition(),
                    SetAction.definition(),
                    TransformAction.definition(),
                    MergeAction.definition(),
                    DelayAction.definition(),
                    LogAction.definition(),
                    FailAction.definition()));

    @Override
    public IntegrationManifest manifest() {
        return manifest;
    }
}
