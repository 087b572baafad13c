package io.scenariobuilder.core.store;

import io.scenariobuilder.core.store.jdbc.StoreSettings;

class SqliteSecretStoresTest extends SecretStoresContract {

    @Override
    protected StoreSettings settings() {
        return StoreSettings.embedded(dir);
    }
}
