package io.scenariobuilder.plugins.http;

import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.testkit.IntegrationContractTest;

class HttpIntegrationContractTest extends IntegrationContractTest {

    @Override
    protected Integration integration() {
        return new HttpIntegration();
    }
}
