package io.scenariobuilder.core.store;

import io.scenariobuilder.core.store.jdbc.StoreSettings;

class SqliteScenarioStoreTest extends ScenarioStoreContract {

    @Override
    protected StoreSettings settings() {
        return StoreSettings.embedded(dir);
    }
}
