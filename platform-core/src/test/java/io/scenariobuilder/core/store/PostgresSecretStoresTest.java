package io.scenariobuilder.core.store;

import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestPostgres;

class PostgresSecretStoresTest extends SecretStoresContract {

    private final StoreSettings settings = TestPostgres.freshDatabase();

    @Override
    protected StoreSettings settings() {
        return settings;
    }
}
