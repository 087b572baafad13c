package io.scenariobuilder.core.store;

class InMemoryExecutionStoreTest extends ExecutionStoreContract {

    private final InMemoryExecutionStore store = new InMemoryExecutionStore(2_000);

    @Override
    protected ExecutionStore store() {
        return store;
    }
}
