package io.scenariobuilder.core.crash;

import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.core.testing.TestPostgres;

/** Kill -9 and restart on a real PostgreSQL (the server stays up; the engine process dies). */
class PostgresCrashRecoveryTest extends CrashRecoveryContract {

    private final StoreSettings settings = TestPostgres.freshDatabase();

    @Override
    protected StoreSettings settings() {
        return settings;
    }
}
