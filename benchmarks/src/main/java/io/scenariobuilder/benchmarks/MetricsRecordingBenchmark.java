package io.scenariobuilder.benchmarks;

import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the engine pays to record one node attempt (EngineMetrics.nodeAttempt: find the member, update its timer: a
 * meter and a sliding HdrHistogram), alone and with two threads recording the same node timer at once (the engine's
 * threads on two cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsRecordingBenchmark {

    private EngineMetrics metrics;

    @Setup
    public void setUp() {
        metrics = new EngineMetrics(PlatformMetrics.create(Clock.systemUTC()));
    }

    @Benchmark
    @Threads(1)
    public void nodeAttemptOneThread() {
        metrics.nodeAttempt("orders", "core", "noop", "completed", null, 12_345);
    }

    @Benchmark
    @Threads(2)
    public void nodeAttemptTwoThreads() {
        metrics.nodeAttempt("orders", "core", "noop", "completed", null, 12_345);
    }
}
