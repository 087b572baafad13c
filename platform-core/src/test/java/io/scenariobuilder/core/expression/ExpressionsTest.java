package io.scenariobuilder.core.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

    private final ExpressionCompiler compiler = new ExpressionCompiler();
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode tree(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void templatesAreLiteralsSingleExpressionsOrMixedText() {
        assertThat(compiler.template("plain text")).isEqualTo(new Template.Literal("plain text"));
        assertThat(compiler.template("{{ a.b }}")).isInstanceOf(Template.Single.class);
        assertThat(compiler.template("  {{ a.b }}  ")).isInstanceOf(Template.Single.class);
        assertThat(compiler.template("id-{{ a }}")).isInstanceOf(Template.Mixed.class);
        assertThat(compiler.template("{{ a }}{{ b }}")).isInstanceOf(Template.Mixed.class);
        assertThat(compiler.template("x").isLiteral()).isTrue();
    }

    @Test
    void closingBracesInsideAnExpressionDoNotEndIt() {
        Template template = compiler.template("{{ {'a': {'b': '}}'}} }}");
        assertThat(template).isInstanceOf(Template.Single.class);
        Object value = ((Template.Single) template).expression().evaluate(Map.of());
        assertThat(JsonValues.toJson(value).toString()).isEqualTo("{\"a\":{\"b\":\"}}\"}}");
    }

    @Test
    void badTemplatesNameThePosition() {
        assertThatThrownBy(() -> compiler.template("abc {{ 1 + "))
                .isInstanceOfSatisfying(ExpressionSyntaxException.class, e -> assertThat(e.position()).isEqualTo(4))
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> compiler.template("x {{ a + }}"))
                .isInstanceOf(ExpressionSyntaxException.class)
                .hasMessageContaining("'a +'").hasMessageContaining("position 2");
        assertThatThrownBy(() -> compiler.compile("  ")).hasMessageContaining("empty expression");
        assertThatThrownBy(() -> compiler.compile("foo((")).isInstanceOfSatisfying(ExpressionSyntaxException.class,
                e -> assertThat(e.position()).isEqualTo(5));
    }

    @Test
    void compiledExpressionsAreCachedBySource() {
        assertThat(compiler.compile("a.b")).isSameAs(compiler.compile("a.b"));
        assertThat(compiler.compile("a.b").source()).isEqualTo("a.b");
        assertThat(compiler.compile("a.b").toString()).isEqualTo("a.b");
    }

    @Test
    void conditionsFollowJsonataTruthiness() {
        Map<String, Object> doc = Map.of("n", 5, "s", "", "list", List.of());
        assertThat(compiler.compile("n > 3").test(doc)).isTrue();
        assertThat(compiler.compile("s").test(doc)).isFalse();
        assertThat(compiler.compile("missing").test(doc)).isFalse();
        assertThat(compiler.compile("n").test(doc)).isTrue();
        assertThatThrownBy(() -> compiler.compile("$number('x')").test(doc))
                .isInstanceOf(ExpressionEvaluationException.class).hasMessageContaining("$number('x')");
    }

    @Test
    void jsonRoundTripsThroughPlainJavaValuesKeepingTypes() throws Exception {
        JsonNode original = tree("{\"i\": 1, \"l\": 10000000000, \"d\": 1.5, \"s\": \"x\", \"b\": true, \"n\": null,"
                + " \"a\": [1, {\"k\": [2]}], \"o\": {}}");
        Object java = JsonValues.toJava(original);
        assertThat(java).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) java).get("l")).isEqualTo(10_000_000_000L);
        assertThat(JsonValues.toJson(java)).isEqualTo(original);
        assertThat(JsonValues.toJava(null)).isNull();
        assertThat(JsonValues.toJava(tree("null"))).isNull();
    }

    @Test
    void wholeDoublesBecomeIntegersAndOtherJavaValuesConvert() {
        assertThat(JsonValues.toJson(2.0).isInt()).isTrue();
        assertThat(JsonValues.toJson(1e12).isLong()).isTrue();
        assertThat(JsonValues.toJson(1e300).isDouble()).isTrue();
        assertThat(JsonValues.toJson(2.5f).asDouble()).isEqualTo(2.5);
        assertThat(JsonValues.toJson((short) 3).asInt()).isEqualTo(3);
        assertThat(JsonValues.toJson(new BigDecimal("1.25")).decimalValue()).isEqualByComparingTo("1.25");
        assertThat(JsonValues.toJson(new BigInteger("123456789012345678901234567890")).isBigInteger()).isTrue();
        assertThat(JsonValues.toJson(new java.util.concurrent.atomic.AtomicInteger(4)).asInt()).isEqualTo(4);
        assertThat(JsonValues.toJson('c').asText()).isEqualTo("c");
        assertThat(JsonValues.toJson(new Object[] {1, "a"}).toString()).isEqualTo("[1,\"a\"]");
        assertThat(JsonValues.toJson(Jsonata.NULL_VALUE).isNull()).isTrue();
        assertThat(JsonValues.toJson(null).isNull()).isTrue();
        JsonNode node = JsonValues.toJson("x");
        assertThat(JsonValues.toJson(node)).isSameAs(node);
        assertThatThrownBy(() -> JsonValues.toJson(Double.NaN)).isInstanceOf(ExpressionEvaluationException.class);
        assertThatThrownBy(() -> JsonValues.toJson(new Object())).hasMessageContaining("not a JSON value");
        assertThat(JsonValues.toTemplateText(null)).isEmpty();
        assertThat(JsonValues.toTemplateText(3)).isEqualTo("3");
        assertThat(JsonValues.toTemplateText(Map.of("a", 1))).isEqualTo("{\"a\":1}");
    }

    @Test
    void aConfigurationTemplateResolvesOnlyWhereThereAreTemplatesAndSkipsBareExpressionKeys() throws Exception {
        Map<String, ExpressionSyntaxException> problems = new LinkedHashMap<>();
        JsonNode configuration = tree("{\"expression\": \"{{ not a template }}\", \"url\": \"https://x/{{ id }}\","
                + " \"list\": [\"{{ id }}\", 1, {\"deep\": \"{{ id * 2 }}\"}], \"fixed\": {\"a\": [1]}, \"n\": 1}");
        ConfigurationTemplate template = ConfigurationTemplate.compile(configuration, Set.of("expression"), compiler, problems);
        assertThat(problems).isEmpty();
        assertThat(template.isConstant()).isFalse();
        Map<String, Object> doc = new HashMap<>();
        doc.put("id", 21);
        JsonNode resolved = template.resolve(() -> doc);
        assertThat(resolved).isEqualTo(tree("{\"expression\": \"{{ not a template }}\", \"url\": \"https://x/21\","
                + " \"list\": [21, 1, {\"deep\": 42}], \"fixed\": {\"a\": [1]}, \"n\": 1}"));

        JsonNode constant = tree("{\"a\": \"no templates\", \"b\": [1, \"x\"]}");
        ConfigurationTemplate fixed = ConfigurationTemplate.compile(constant, Set.of(), compiler, problems);
        assertThat(fixed.isConstant()).isTrue();
        assertThat(fixed.resolve(() -> {
            throw new AssertionError("a constant configuration needs no document");
        })).isSameAs(constant);

        ConfigurationTemplate.compile(tree("{\"a\": {\"b\": [\"{{ ( }}\"]}}"), Set.of(), compiler, problems);
        assertThat(problems).containsOnlyKeys(".a.b[0]");
    }
}
