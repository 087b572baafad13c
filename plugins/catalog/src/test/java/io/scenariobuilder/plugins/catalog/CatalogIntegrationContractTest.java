package io.scenariobuilder.plugins.catalog;

import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.testkit.IntegrationContractTest;

class CatalogIntegrationContractTest extends IntegrationContractTest {

    @Override
    protected Integration integration() {
        return new CatalogIntegration();
    }
}
