package io.scenariobuilder.benchmarks;

import com.dashjoin.jsonata.Jsonata;
import io.scenariobuilder.core.expression.CompiledExpression;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.ExpressionLimits;
import io.scenariobuilder.core.expression.InlineEvaluation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the expression limits cost an ordinary evaluation: the same small expression (a merge, a sum and an upper-case
 * over an order of three lines) evaluated by the bare library, through the platform's compiled expression with its
 * budget (time, depth, allocation and size checked at every step), and inside an inline attempt as the engine does on
 * its threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExpressionLimitsBenchmark {

    static final String EXPRESSION = "$merge([input, {'total': $sum(input.lines.(qty * price)), 'who': $uppercase(input.customer)}])";

    private Jsonata bare;
    private CompiledExpression bounded;
    private Map<String, Object> document;

    @Setup
    public void setUp() {
        bare = Jsonata.jsonata(EXPRESSION);
        bounded = new ExpressionCompiler(10, ExpressionLimits.defaults()).compile(EXPRESSION);
        document = Map.of("input", Map.of("customer", "ada", "lines", List.of(
                Map.of("qty", 2, "price", 10), Map.of("qty", 1, "price", 25), Map.of("qty", 3, "price", 5))));
    }

    @Benchmark
    public Object bareLibrary() {
        return bare.evaluate(document);
    }

    @Benchmark
    public Object withLimits() {
        return bounded.evaluate(document);
    }

    @Benchmark
    public Object withLimitsInline() {
        return InlineEvaluation.attempt(() -> bounded.evaluate(document)).value();
    }
}
