package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.TraceContext;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryExecutionStoreTest extends ExecutionStoreContract {

    private final InMemoryExecutionStore store = new InMemoryExecutionStore(2_000);

    @Override
    protected ExecutionStore store() {
        return store;
    }

    /**
     * What needs a store that outlives the process (the run command's in-memory store): schedule ticks and parking are
     * refused saying so, not silently dropped; and there is no outbox.
     */
    @Test
    void whatNeedsADurableStoreIsRefusedSayingSo() {
        assertThat(store.executionCreated("e1", "s", 1, null, JsonNodeFactory.instance.objectNode(), ExecutionStatus.QUEUED,
                Instant.now(), TraceContext.fresh(), new ScheduleTick("s", Instant.now())).toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("this store keeps no schedule ticks");
        assertThat(store.executionParked("e1", Instant.now()).toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("this store cannot park executions");
        assertThat(store.pendingNotifications()).isEmpty();
        assertThat(store.find("e1")).as("the refused execution was not stored").isEmpty();
    }

    @Test
    void writesForAnExecutionItDoesNotHoldAreRefusedNamingIt() {
        assertThat(store.nodeUpdated("ghost", new io.scenariobuilder.core.engine.NodeRecord("n",
                io.scenariobuilder.core.engine.NodeStatus.COMPLETED, 1, Instant.now(), Instant.now(), 0L,
                JsonNodeFactory.instance.nullNode(), null)).toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("execution ghost is not stored");
        assertThat(store.executionScenarioChanged("ghost", 2, null, java.util.Set.of()).toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("execution ghost is not stored");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new InMemoryExecutionStore(0))
                .hasMessage("maxFinished must be at least 1");
    }
}
