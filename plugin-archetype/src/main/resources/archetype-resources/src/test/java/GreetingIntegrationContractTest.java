package ${package};

import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.testkit.IntegrationContractTest;

/** The checks every integration must pass. */
class GreetingIntegrationContractTest extends IntegrationContractTest {

    @Override
    protected Integration integration() {
        return new GreetingIntegration();
    }
}
