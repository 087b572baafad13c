package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.core.expression.JsonSizes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bound on node outputs held by running executions (SB's output memory), in-process: what is counted when, who
 * waits over the limit, and that giving memory back wakes those that waited. BigDataTest shows the same against a
 * small heap in a JVM of its own.
 */
class OutputMemoryTest {

    private static final long STEP = 64 * 1024;

    /** An output whose estimated size is at least {@code bytes}. */
    private static JsonNode output(long bytes) {
        return JsonNodeFactory.instance.textNode("x".repeat((int) bytes));
    }

    @Test
    void smallOutputsAreCountedInTheSharedMemoryOnlyOnceTheyReachA64KiBStep() {
        OutputMemory memory = new OutputMemory(10 * STEP);
        OutputAccount account = new OutputAccount(memory);
        JsonNode small = output(1000);
        long size = JsonSizes.estimate(small);
        assertThat(account.hold(small, false)).isEqualTo(size);
        assertThat(account.published()).isZero();
        assertThat(memory.inFlight()).isZero();

        long more = STEP - size - 1;
        JsonNode justUnder = output(more - (JsonSizes.estimate(output(more)) - more));
        long held = size + account.hold(justUnder, false);
        assertThat(held).as("one byte short of a step").isEqualTo(STEP - 1);
        assertThat(memory.inFlight()).isZero();

        long last = account.hold(output(1), false);
        assertThat(account.published()).as("the step reached: everything held is counted").isEqualTo(held + last);
        assertThat(memory.inFlight()).isEqualTo(held + last);
    }

    @Test
    void anOutputPassedThroughUnchangedCostsNothing() {
        OutputMemory memory = new OutputMemory(STEP);
        OutputAccount account = new OutputAccount(memory);
        assertThat(account.hold(output(2 * STEP), true)).isZero();
        assertThat(account.published()).isZero();
        assertThat(memory.inFlight()).isZero();
    }

    @Test
    void overTheLimitAnExecutionHoldingNothingWaitsWhileOneHoldingMemoryGoesOnAndItsEndWakesTheWaiting() {
        OutputMemory memory = new OutputMemory(2 * STEP);
        OutputAccount big = new OutputAccount(memory);
        AtomicInteger woken = new AtomicInteger();
        assertThat(big.allows(woken::incrementAndGet)).isTrue();
        big.hold(output(2 * STEP), false);
        assertThat(memory.inFlight()).isGreaterThanOrEqualTo(2 * STEP);

        OutputAccount fresh = new OutputAccount(memory);
        assertThat(fresh.allows(woken::incrementAndGet)).as("holds nothing: waits").isFalse();
        assertThat(big.allows(woken::incrementAndGet)).as("holds memory: goes on, to finish and give it back").isTrue();
        assertThat(woken).hasValue(0);

        memory.release(0);
        assertThat(woken).as("nothing given back: nobody woken").hasValue(0);
        memory.release(big.published());
        assertThat(woken).hasValue(1);
        assertThat(memory.inFlight()).isZero();
        assertThat(fresh.allows(woken::incrementAndGet)).isTrue();
        memory.release(STEP);
        assertThat(woken).as("each waiting retry runs once").hasValue(1);
    }

    @Test
    void theLimitIsExclusive() {
        OutputMemory memory = new OutputMemory(STEP);
        memory.add(STEP - 1);
        assertThat(memory.mayStart(0)).isTrue();
        memory.add(1);
        assertThat(memory.mayStart(0)).as("at the limit").isFalse();
        assertThat(memory.mayStart(1)).isTrue();
    }
}
