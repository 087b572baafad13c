package io.scenariobuilder.core.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The expression limits at their exact edges, and the template text around expressions: what an editor who writes an
 * expression just inside a limit, or text on both sides of a {@code {{ }}}, gets. Found by mutation testing: the
 * hostile-expression tests showed that a limit stops a runaway, not that it sits where it is documented.
 */
class ExpressionBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Depth 1000 (never reached here), lists of at most 10 items, strings of at most 12 characters. */
    private final ExpressionCompiler small = new ExpressionCompiler(100,
            new ExpressionLimits(Duration.ofSeconds(5), 1_000, Long.MAX_VALUE, 10, 12));

    private Object eval(ExpressionCompiler compiler, String source) {
        return compiler.compile(source).evaluate(Map.of());
    }

    @Test
    void aListOfExactlyTheLimitIsMadeAndOneMoreIsStopped() {
        assertThat((List<?>) eval(small, "[1..10]")).hasSize(10);
        assertThatThrownBy(() -> eval(small, "[1..11]"))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("was stopped: one step made a list of 11 items, more than 10");
    }

    @Test
    void aStringOfExactlyTheLimitIsMadeAndOneMoreIsStopped() {
        assertThat(eval(small, "'abcdef' & 'ghijkl'")).isEqualTo("abcdefghijkl");
        assertThatThrownBy(() -> eval(small, "'abcdef' & 'ghijklm'"))
                .hasMessageContaining("one step made a string of 13 characters, more than 12");
    }

    @Test
    void padIsRefusedPastTheStringLimitBeforeItAllocatesAndGivesTheLibrarysResultWithin() {
        assertThat(eval(small, "$pad('a', 12)")).isEqualTo("a" + " ".repeat(11));
        assertThat(eval(small, "$pad('a', -12, '-')")).isEqualTo("-".repeat(11) + "a");
        assertThatThrownBy(() -> eval(small, "$pad('a', 13)")).hasMessageContaining("$pad to 13 characters is more than 12");
        assertThatThrownBy(() -> eval(small, "$pad('a', -13)")).hasMessageContaining("$pad to -13 characters");
        // A padding of several characters is cut to fit, counted in code points; a width already met pads nothing.
        assertThat(EvaluationBudget.pad("a", 4, "xy")).isEqualTo("axyx");
        assertThat(EvaluationBudget.pad("a", -5, "xy")).isEqualTo("xyxya");
        assertThat(EvaluationBudget.pad("ab", 3, "😀")).isEqualTo("ab😀");
        assertThat(EvaluationBudget.pad("é😀", -5, "😀é")).isEqualTo("😀é😀é😀");
        assertThat(EvaluationBudget.pad("abc", 3, "x")).isEqualTo("abc");
        assertThat(EvaluationBudget.pad("abc", 2, "")).isEqualTo("abc");
        assertThat(EvaluationBudget.pad("a", 3, "")).isEqualTo("a  ");
        assertThat(eval(small, "$pad(undefined, 5)")).isNull();
    }

    @Test
    void joinIsRefusedPastTheStringLimitCountingItsSeparators() {
        // 4 parts of 2 and 3 separators of 1: 11 characters, and 12 with a separator of 2 would be 14.
        assertThat(eval(small, "$join(['ab', 'cd', 'ef', 'gh'], '-')")).isEqualTo("ab-cd-ef-gh");
        assertThat(eval(small, "$join(['abcdef', 'ghijkl'])")).isEqualTo("abcdefghijkl");
        assertThatThrownBy(() -> eval(small, "$join(['ab', 'cd', 'ef', 'gh'], '--')"))
                .hasMessageContaining("$join would make a string of more than 12 characters");
        assertThatThrownBy(() -> eval(small, "$join(['abcdef', 'ghijklm'])")).hasMessageContaining("$join would make");
    }

    @Test
    void recursionIsStoppedByTheDepthLimitNamedAsSuch() {
        ExpressionCompiler shallow = new ExpressionCompiler(10,
                new ExpressionLimits(Duration.ofSeconds(5), 50, Long.MAX_VALUE, 1_000_000, 1_000_000));
        assertThatThrownBy(() -> shallow.compile("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))")
                .evaluate(Map.of()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("was stopped: it recursed deeper than 50 levels (SB_EXPRESSION_MAX_DEPTH)");
        // The depth is given back on the way out: a hundred shallow calls in a row are not a deep one.
        assertThat(shallow.compile("$sum([1..100].(($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5))))")
                .evaluate(Map.of())).isEqualTo(500);
    }

    @Test
    void aLimitIsReportedOnlyWhenAnEvaluationPassesItNotForTheNextOneOnTheThread() {
        assertThatThrownBy(() -> eval(small, "$pad('a', 13)")).isInstanceOf(ExpressionEvaluationException.class);
        // The failed evaluation's budget is gone: the next one on this thread pads under its own limits.
        ExpressionCompiler large = new ExpressionCompiler(10,
                new ExpressionLimits(Duration.ofSeconds(5), 1_000, Long.MAX_VALUE, 1_000, 100));
        assertThat(eval(large, "$pad('a', 50)")).isEqualTo("a" + " ".repeat(49));
        assertThat(eval(large, "$join(['abcdefghij', 'abcdefghij', 'abcdefghij'], ',')")).asString().hasSize(32);
    }

    @Test
    void limitsMustBePositiveAndDerivedLimitsFollowTheMemoryBudget() {
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ZERO, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ofMillis(-1), 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ofMillis(1), 0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ofMillis(1), 1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ofMillis(1), 1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(Duration.ofMillis(1), 1, 1, 1, 0))
                .hasMessageContaining("expression limits must be positive");
        ExpressionLimits one = new ExpressionLimits(Duration.ofNanos(1), 1, 1, 1, 1);
        assertThat(one.maxChars()).isEqualTo(1);

        // 64 MB: lists of one item per 32 bytes, strings of one character per 16.
        ExpressionLimits derived = ExpressionLimits.of(Duration.ofSeconds(1), 200, 64L * 1024 * 1024);
        assertThat(derived.maxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(derived.maxElements()).isEqualTo(2L * 1024 * 1024);
        assertThat(derived.maxChars()).isEqualTo(4L * 1024 * 1024);
        // A tiny budget keeps floors that ordinary expressions need.
        ExpressionLimits tiny = ExpressionLimits.of(Duration.ofSeconds(1), 200, 1_024);
        assertThat(tiny.maxElements()).isEqualTo(1_000);
        assertThat(tiny.maxChars()).isEqualTo(10_000);
        // 0 takes a quarter of the heap.
        assertThat(ExpressionLimits.defaults().maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(ExpressionLimits.defaults().maxDepth()).isEqualTo(200);
        assertThat(new ExpressionCompiler(tiny).limits()).isEqualTo(tiny);
    }

    @Test
    void anEvaluationThatOnlyAllocatesIsStoppedByTheMemoryLimitAlone() {
        // No cap on lists or strings and half a minute of time: only the bytes allocated can stop it.
        ExpressionCompiler memoryOnly = new ExpressionCompiler(10,
                new ExpressionLimits(Duration.ofSeconds(30), 1_000, 8L * 1024 * 1024, Long.MAX_VALUE, Long.MAX_VALUE));
        assertThatThrownBy(() -> memoryOnly.compile("$count([1..300000].{'a': $, 'b': [$, $]})").evaluate(Map.of()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("was stopped: it allocated more than 8388608 bytes (SB_EXPRESSION_MAX_BYTES)");
        assertThat(memoryOnly.compile("$count([1..1000].{'a': $})").evaluate(Map.of())).isEqualTo(1000);
    }

    @Test
    void anEvaluationWellWithinItsTimeLimitRunsToItsEnd() {
        // A few hundred milliseconds of work under a limit of 5 s: the wall-clock backstop (ten times the limit) and the
        // CPU-time check leave it alone.
        ExpressionCompiler patient = new ExpressionCompiler(10, ExpressionLimits.of(Duration.ofSeconds(5), 200, 0));
        assertThat(((Number) patient.compile("$sum([1..600000].($ * 2))").evaluate(Map.of())).longValue()).isEqualTo(360_000_600_000L);
    }

    @Test
    void aLongExpressionIsCutTo200CharactersInTheMessageThatItWasStopped() {
        String exactly200 = "[1..11]" + " ".repeat(193);
        assertThatThrownBy(() -> eval(small, exactly200)).hasMessageContaining("'" + exactly200 + "' was stopped");
        String longer = exactly200 + " ";
        assertThatThrownBy(() -> eval(small, longer)).hasMessageContaining("'" + exactly200 + "...' was stopped");
    }

    @Test
    void textAfterTheLastExpressionAndBetweenTwoIsKept() {
        Map<String, Object> doc = Map.of("a", 1, "b", "x");
        assertThat(resolve("{{ a }} items", doc)).isEqualTo("1 items");
        assertThat(resolve("{{ a }}{{ b }}", doc)).isEqualTo("1x");
        assertThat(resolve("[{{ a }}|{{ b }}]", doc)).isEqualTo("[1|x]");
        assertThat(resolve("{{ '}' }}}", doc)).isEqualTo("}}");
        assertThat(resolve("{{ \"a\\\"}}\" }}", doc)).isEqualTo("a\"}}");
        assertThat(resolve("{{ `a` }}", Map.of("a", 7))).isEqualTo(7);
        assertThat(compiler().template("{{ a }}").isLiteral()).isFalse();
        assertThat(compiler().template("id-{{ a }}").isLiteral()).isFalse();
    }

    @Test
    void anUnclosedOrBrokenPartNamesWhereItIs() {
        // A lone '}' at the end does not close a part.
        assertThatThrownBy(() -> compiler().template("{{ a }")).hasMessageContaining("'{{' at position 0 is not closed");
        assertThatThrownBy(() -> compiler().template("{{ 'a }}")).hasMessageContaining("not closed");
        // A '}' with nothing open before it is the expression's own: it is handed to JSONata, which refuses it.
        assertThatThrownBy(() -> compiler().template("{{ a } }}")).hasMessageContaining("'a }'").hasMessageContaining("does not parse");
        // The position of a syntax error counts from the start of the whole text (JSONata counts from 1), even when the
        // expression's text also appears before the braces.
        assertThatThrownBy(() -> compiler().template("abc {{ foo(( }}"))
                .isInstanceOfSatisfying(ExpressionSyntaxException.class, e -> assertThat(e.position()).isEqualTo(12));
        assertThatThrownBy(() -> compiler().template("+{{ + }}"))
                .isInstanceOfSatisfying(ExpressionSyntaxException.class, e -> assertThat(e.position()).isEqualTo(5));
    }

    @Test
    void anExpressionThatResolvesToNothingIsReportedWithItsFieldAndSource() throws Exception {
        JsonNode configuration = JSON.readTree("{\"message\": \"{{ order.id }}\", \"headers\": {\"x\": \"n={{ a }}\"},"
                + " \"items\": [\"{{ missing }}\", \"{{ b }}\"]}");
        Map<String, ExpressionSyntaxException> problems = new HashMap<>();
        ConfigurationTemplate template = ConfigurationTemplate.compile(configuration, Set.of(), compiler(), problems);
        assertThat(problems).isEmpty();
        List<ConfigurationTemplate.Unresolved> nothing = new ArrayList<>();
        JsonNode resolved = template.resolve(() -> Map.of("a", 5, "b", "there"), nothing::add);
        assertThat(resolved.toString()).isEqualTo("{\"message\":null,\"headers\":{\"x\":\"n=5\"},\"items\":[null,\"there\"]}");
        assertThat(nothing).containsExactlyInAnyOrder(
                new ConfigurationTemplate.Unresolved("message", "order.id"),
                new ConfigurationTemplate.Unresolved("items[0]", "missing"));

        // A key kept bare is not a template; a configuration that is one string is one.
        ConfigurationTemplate bare = ConfigurationTemplate.compile(JSON.readTree("{\"script\": \"{{ a }}\"}"), Set.of("script"),
                compiler(), problems);
        assertThat(bare.isConstant()).isTrue();
        assertThat(bare.resolve(() -> Map.of("a", 1)).toString()).isEqualTo("{\"script\":\"{{ a }}\"}");
        nothing.clear();
        ConfigurationTemplate whole = ConfigurationTemplate.compile(JSON.readTree("\"{{ nope }}\""), Set.of(), compiler(), problems);
        JsonNode none = whole.resolve(() -> Map.of(), nothing::add);
        assertThat(none == null || none.isNull()).as("nothing is JSON null").isTrue();
        assertThat(nothing).containsExactly(new ConfigurationTemplate.Unresolved("", "nope"));
    }

    @Test
    void theSizeEstimateCountsEveryStringKeyAndItem() throws Exception {
        assertThat(JsonSizes.estimate(null)).isZero();
        assertThat(JsonSizes.estimate(JSON.readTree("\"abc\""))).isEqualTo(48 + 3);
        assertThat(JsonSizes.estimate(JSON.readTree("7"))).isEqualTo(24);
        assertThat(JsonSizes.estimate(JSON.readTree("{}"))).isEqualTo(64);
        assertThat(JsonSizes.estimate(JSON.readTree("[]"))).isEqualTo(32);
        // An object: 64, each key 48 plus its length, each value its own size.
        assertThat(JsonSizes.estimate(JSON.readTree("{\"ab\": \"xyz\", \"c\": 1}"))).isEqualTo(64 + (48 + 2) + (48 + 3) + (48 + 1) + 24);
        // An array: 32, 8 per item, each item its own size; nesting adds up.
        assertThat(JsonSizes.estimate(JSON.readTree("[\"a\", [true, null], {\"k\": \"vv\"}]")))
                .isEqualTo(32 + 3 * 8 + (48 + 1) + (32 + 2 * 8 + 24 + 24) + (64 + 48 + 1 + 48 + 2));
        // A long text counts its length.
        String big = "x".repeat(100_000);
        assertThat(JsonSizes.estimate(JSON.valueToTree(List.of(big, big)))).isEqualTo(32 + 16 + 2 * (48 + 100_000));
    }

    @Test
    void inlineWorkThatIsQuickKeepsItsValueOrFailureAndHeavyWorkIsMovedEvenIfItCatchesTheStop() {
        ExpressionCompiler roomy = new ExpressionCompiler(10, ExpressionLimits.of(Duration.ofSeconds(30), 200, 0));
        InlineEvaluation.Outcome<Object> quick = InlineEvaluation.attempt(() -> roomy.compile("1 + 2").evaluate(Map.of()));
        assertThat(quick.tooSlow()).isFalse();
        assertThat(quick.value()).isEqualTo(3);
        IllegalStateException failure = new IllegalStateException("the action failed");
        InlineEvaluation.Outcome<Object> failed = InlineEvaluation.attempt(() -> {
            throw failure;
        });
        assertThat(failed.tooSlow()).isFalse();
        assertThat(failed.failure()).isSameAs(failure);

        // Millions of items: past the inline budget of time or memory, whatever the work then does with the stop.
        String heavy = "$sum([1..200000].($ * 2))";
        assertThat(InlineEvaluation.attempt(() -> roomy.compile(heavy).evaluate(Map.of())).tooSlow()).isTrue();
        InlineEvaluation.Outcome<Object> caught = InlineEvaluation.attempt(() -> {
            try {
                return roomy.compile(heavy).evaluate(Map.of());
            } catch (RuntimeException e) {
                return "caught";
            }
        });
        assertThat(caught.tooSlow()).isTrue();
        assertThat(caught.value()).isNull();
        // Off an engine thread (no attempt) the same expression runs to its end under the full limits.
        assertThat(((Number) roomy.compile(heavy).evaluate(Map.of())).longValue()).isEqualTo(40_000_200_000L);
    }

    @Test
    void anInlineAttemptInsideAnotherGivesTheOuterOneItsBudgetBack() {
        ExpressionCompiler roomy = new ExpressionCompiler(10, ExpressionLimits.of(Duration.ofSeconds(30), 200, 0));
        InlineEvaluation.Outcome<Object> outer = InlineEvaluation.attempt(() -> {
            InlineEvaluation.Outcome<Object> inner = InlineEvaluation.attempt(() -> roomy.compile("1").evaluate(Map.of()));
            assertThat(inner.tooSlow()).isFalse();
            return roomy.compile("$sum([1..200000].($ * 2))").evaluate(Map.of());
        });
        assertThat(outer.tooSlow()).as("the outer attempt still stops heavy work after the inner one ended").isTrue();
    }

    private ExpressionCompiler compiler() {
        return small;
    }

    private Object resolve(String text, Map<String, Object> document) {
        Template template = compiler().template(text);
        ConfigurationTemplate configuration = ConfigurationTemplate.compile(
                JSON.createObjectNode().put("t", text), Set.of(), compiler(), new HashMap<>());
        Object value = JsonValues.toJava(configuration.resolve(() -> document).get("t"));
        assertThat(template.isLiteral()).isFalse();
        return value;
    }
}
