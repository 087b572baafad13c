package io.scenariobuilder.core.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs the tasks given to it one at a time, in order, on a shared executor, without holding a thread while idle.
 * Each execution owns one, so its state is only ever touched by one thread at a time and needs no lock.
 *
 * <p>Written here rather than taken from a library: it is the classic work-in-progress trampoline (a dozen lines),
 * and the JDK has no serial executor that borrows threads from a pool.
 */
final class Mailbox implements Executor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Executor executor;
    private final Consumer<Throwable> onFailure;

    Mailbox(Executor executor, Consumer<Throwable> onFailure) {
        this.executor = executor;
        this.onFailure = onFailure;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                // The engine is closed (a shutdown cut this execution off): the task is dropped on purpose, the store
                // holds the execution as unfinished and it resumes on the next start.
                tasks.clear();
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    onFailure.accept(t);
                }
            }
            missed = pending.addAndGet(-missed);
        } while (missed != 0);
    }
}
