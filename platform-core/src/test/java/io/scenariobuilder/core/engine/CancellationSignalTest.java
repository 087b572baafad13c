package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cancellation signal an action sees ({@code context.cancellation()}), as the SPI documents it to plugin authors:
 * each callback runs once, a failing one does not keep the others from running, a late one runs at once, and the
 * action's thread or future is stopped.
 */
class CancellationSignalTest {

    @Test
    void callbacksRunOnceEvenWhenOneFailsAndALateOneRunsAtOnce() {
        NodeAttempt attempt = new NodeAttempt(0, 1);
        List<String> ran = new CopyOnWriteArrayList<>();
        attempt.onCancel(() -> ran.add("first"));
        attempt.onCancel(() -> {
            throw new IllegalStateException("the client was closed already");
        });
        attempt.onCancel(() -> ran.add("third"));
        assertThat(attempt.isCancelled()).isFalse();
        attempt.throwIfCancelled();

        attempt.cancel(NodeAttempt.Reason.EXECUTION_CANCELLED);
        attempt.cancel(NodeAttempt.Reason.TIMEOUT); // once is enough: the first reason stays
        attempt.onCancel(() -> ran.add("late"));

        assertThat(ran).containsExactly("first", "third", "late");
        assertThat(attempt.isCancelled()).isTrue();
        assertThat(attempt.cancelReason()).isEqualTo(NodeAttempt.Reason.EXECUTION_CANCELLED);
        assertThatThrownBy(attempt::throwIfCancelled).isInstanceOfSatisfying(IntegrationException.class,
                e -> assertThat(e.type()).isEqualTo(ErrorType.CANCELLED)).hasMessage("node cancelled");
    }

    @Test
    void aTimedOutAttemptSaysTimeout() {
        NodeAttempt attempt = new NodeAttempt(0, 1);
        attempt.cancel(NodeAttempt.Reason.TIMEOUT);
        assertThatThrownBy(attempt::throwIfCancelled).isInstanceOfSatisfying(IntegrationException.class,
                e -> assertThat(e.type()).isEqualTo(ErrorType.TIMEOUT)).hasMessage("node timed out");
    }

    @Test
    void theThreadOrFutureRunningTheActionIsStoppedWhetherItStartedBeforeOrAfterTheCancel() throws Exception {
        NodeAttempt before = new NodeAttempt(0, 1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread blocking = Thread.ofVirtual().start(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        before.runningOn(blocking);
        CompletableFuture<Void> call = new CompletableFuture<>();
        before.runningAs(call);
        before.cancel(NodeAttempt.Reason.EXECUTION_TIMEOUT);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the blocking action was interrupted").isTrue();
        assertThat(call).isCancelled();
        assertThat(before.thread()).isSameAs(blocking);

        // Cancelled before it got its thread and future: they are stopped as they arrive.
        NodeAttempt after = new NodeAttempt(0, 2);
        after.cancel(NodeAttempt.Reason.EXECUTION_CANCELLED);
        CountDownLatch interruptedLate = new CountDownLatch(1);
        Thread late = Thread.ofVirtual().unstarted(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interruptedLate.countDown();
            }
        });
        after.runningOn(late);
        late.start();
        assertThat(interruptedLate.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> lateCall = new CompletableFuture<>();
        after.runningAs(lateCall);
        assertThat(lateCall).isCancelled();
    }
}
