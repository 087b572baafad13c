package io.scenariobuilder.api.execution;

/** How the engine calls an action; see {@link NodeExecutor#getCapabilities()}. */
public enum ExecutionStyle {
    /**
     * {@link NodeExecutor#execute} may block (I/O, sleeps). The engine runs it on a virtual thread and interrupts
     * it on cancel or timeout. The default, and the right choice for almost every plugin.
     */
    BLOCKING,
    /**
     * {@link NodeExecutor#execute} is short and never blocks (pure computation on the input): the engine may call it
     * on its own thread, which saves a thread hand-off, and does not record its start in the store, only its result
     * (after a crash it simply runs again).
     */
    NON_BLOCKING,
    /** {@link NodeExecutor#executeAsync} returns at once with a stage the action completes later. */
    ASYNC
}
