package io.scenariobuilder.testplugins.versioned;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/** A second integration of the same plugin: a scenario using both must see both or neither, never one. */
@Extension
public final class VersionedExtraIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        String version = new VersionedIntegration().manifest().version();
        return new IntegrationManifest("versioned-extra", "Versioned extra", version, "", null, null, List.of(
                ActionDefinition.builder("which", context ->
                        ActionResult.of(JsonNodeFactory.instance.objectNode().put("version", version))).build()));
    }
}
