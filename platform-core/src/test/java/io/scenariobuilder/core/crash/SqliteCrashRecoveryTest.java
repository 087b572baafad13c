package io.scenariobuilder.core.crash;

import io.scenariobuilder.core.store.jdbc.StoreSettings;

/** Kill -9 and restart on the embedded SQLite store. */
class SqliteCrashRecoveryTest extends CrashRecoveryContract {

    @Override
    protected StoreSettings settings() {
        return StoreSettings.embedded(dir);
    }
}
