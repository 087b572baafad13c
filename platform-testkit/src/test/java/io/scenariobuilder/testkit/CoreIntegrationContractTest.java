package io.scenariobuilder.testkit;

import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.plugins.core.CoreIntegration;

/** The built-in nodes pass the contract plugin authors are held to. */
class CoreIntegrationContractTest extends IntegrationContractTest {

    @Override
    protected Integration integration() {
        return new CoreIntegration();
    }
}
