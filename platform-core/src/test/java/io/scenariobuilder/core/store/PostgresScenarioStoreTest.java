package io.scenariobuilder.core.store;

import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestPostgres;

class PostgresScenarioStoreTest extends ScenarioStoreContract {

    private final StoreSettings settings = TestPostgres.freshDatabase();

    @Override
    protected StoreSettings settings() {
        return settings;
    }
}
