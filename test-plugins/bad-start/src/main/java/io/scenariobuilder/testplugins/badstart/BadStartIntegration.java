package io.scenariobuilder.testplugins.badstart;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/** Never registered: its plugin fails to start. */
@Extension
public final class BadStartIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("bad-start", "Bad start", "1.0.0", "", null, null,
                List.of(ActionDefinition.builder("noop", context -> ActionResult.of(context.input())).build()));
    }
}
