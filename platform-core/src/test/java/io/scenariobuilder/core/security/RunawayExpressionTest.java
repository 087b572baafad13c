package io.scenariobuilder.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.expression.ExpressionEvaluationException;
import io.scenariobuilder.core.expression.ExpressionLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attack: an editor types one expression that allocates faster than anything can collect, or runs for ever. Each
 * must fail with a message naming the limit, and the JVM must live on.
 */
class RunawayExpressionTest {

    /** Shapes that allocate fast: the issue's, a pad, a join of a big range, object construction, string doubling. */
    static final List<String> HOSTILE = List.of(
            "$count([1..10000000].([1..10000000]))",
            "$pad('x', 1000000000)",
            "$join([1..10000000].$string(), ',')",
            "$count([1..10000000].{'a': $, 'b': [1..100]})",
            "($s := function($t, $n) { $n = 0 ? $t : $s($t & $t, $n - 1) }; $length($s('xxxxxxxxxx', 40)))");

    private final ExpressionCompiler compiler = new ExpressionCompiler(100,
            ExpressionLimits.of(Duration.ofSeconds(1), 200, 48L * 1024 * 1024));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void aRunawayExpressionFailsNamingTheLimit(int shape) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> compiler.compile(HOSTILE.get(shape)).evaluate(Map.of()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("was stopped")
                .hasMessageMatching("(?s).*(SB_EXPRESSION_MAX_BYTES|SB_EXPRESSION_TIMEOUT|SB_EXPRESSION_MAX_DEPTH).*");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("stopped within its time limit and a margin")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void endlessRecursionAndLongLoopsStopAtTheirLimits() {
        assertThatThrownBy(() -> compiler.compile("($f := function($n) { 1 + $f($n + 1) }; $f(0))").evaluate(Map.of()))
                .hasMessageContaining("SB_EXPRESSION_MAX_DEPTH");
        // A tail call does not deepen the stack (JSONata runs it as a loop): memory or time stops it.
        assertThatThrownBy(() -> compiler.compile("($f := function($n) { $f($n + 1) }; $f(0))").evaluate(Map.of()))
                .hasMessageMatching("(?s).*(SB_EXPRESSION_TIMEOUT|SB_EXPRESSION_MAX_BYTES).*");
        ExpressionCompiler quick = new ExpressionCompiler(10, ExpressionLimits.of(Duration.ofMillis(200), 10_000, 0));
        assertThatThrownBy(() -> quick.compile("$sum([1..9000000].($ * 2))").evaluate(Map.of()))
                .hasMessageMatching("(?s).*(SB_EXPRESSION_TIMEOUT|SB_EXPRESSION_MAX_BYTES).*");
    }

    @Test
    void ordinaryExpressionsAreUntouched() {
        assertThat(compiler.compile("$sum([1..1000])").evaluate(Map.of())).isEqualTo(500500);
        assertThat(compiler.compile("$pad('7', -3, '0')").evaluate(Map.of())).isEqualTo("007");
        assertThat(compiler.compile("$join(['a', 'b'], '-')").evaluate(Map.of())).isEqualTo("a-b");
        assertThat(compiler.compile("$join(['a', 'b'])").evaluate(Map.of())).isEqualTo("ab");
    }

    @Test
    void padGivesWhatTheLibrarysPadGives() {
        ExpressionCompiler plain = new ExpressionCompiler(10);
        for (String call : List.of("$pad('ab', 5)", "$pad('ab', -5, '0')", "$pad('ab', 6, 'xyz')", "$pad('abcdef', 3)",
                "$pad('ab', 0)", "$pad('', 4, '#')", "$pad('é', -3, 'ü')", "$pad('a', 4.7, '.')")) {
            Object ours = plain.compile(call).evaluate(Map.of());
            String args = call.substring(5, call.length() - 1);
            assertThat(ours).as(call).isEqualTo(com.dashjoin.jsonata.Jsonata.jsonata("$pad(" + args + ")").evaluate(null));
        }
    }

    /**
     * The case on a small heap: a separate JVM with {@code -Xmx192m} and the default limits (a quarter of that
     * heap) evaluates every hostile shape, then an ordinary one, and exits normally.
     */
    @Test
    void onA192MegabyteHeapEveryShapeFailsAndTheJvmLivesOn() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                Evaluate.class.getName()));
        command.addAll(HOSTILE);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError: Java heap space\n\tat").contains("ordinary: 500500");
        assertThat(output.lines().filter(line -> line.startsWith("stopped: "))).as(output).hasSize(HOSTILE.size());
    }

    /** The child JVM of the test above. */
    public static final class Evaluate {
        public static void main(String[] expressions) {
            ExpressionCompiler compiler = new ExpressionCompiler();
            for (String expression : expressions) {
                try {
                    System.out.println("evaluated: " + compiler.compile(expression).evaluate(Map.of()));
                } catch (ExpressionEvaluationException e) {
                    System.out.println("stopped: " + e.getMessage());
                }
            }
            System.out.println("ordinary: " + compiler.compile("$sum([1..1000])").evaluate(Map.of()));
        }
    }
}
