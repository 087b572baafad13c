package io.scenariobuilder.core.fields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.OptionsProvider;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.fields.FieldOptionsException.Reason;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.PluginUsage;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.store.CredentialStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Dynamic field options: the dependency graph, the single-flight cache, its invalidation, failures and checks. */
class FieldOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NodeExecutor NOTHING = context -> ActionResult.of(context.input());

    private final IntegrationRegistry registry = new IntegrationRegistry();
    private final Connections connections = new Connections();
    private final AtomicLong ticker = new AtomicLong();
    private final PlatformMetrics metrics = PlatformMetrics.create(Clock.systemUTC());
    private FieldOptions options = service(FieldOptions.Settings.defaults());

    private FieldOptions service(FieldOptions.Settings settings) {
        return new FieldOptions(registry, connections, new ErrorClassifier(), new EngineMetrics(metrics), metrics, settings, ticker::get);
    }

    /** Credentials by connection id, each bound to an integration. */
    static final class Connections implements CredentialStore {
        final Map<String, JsonNode> credentials = new ConcurrentHashMap<>();
        final Map<String, String> owners = new ConcurrentHashMap<>();
        final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

        void put(String id, String integrationId, String credentialsJson) {
            credentials.put(id, json(credentialsJson));
            owners.put(id, integrationId);
            listeners.forEach(listener -> listener.accept(id));
        }

        @Override
        public Optional<Credentials> credentials(String connectionId, String integrationId) {
            return Optional.ofNullable(credentials.get(connectionId)).filter(found -> integrationId.equals(owners.get(connectionId)))
                    .map(found -> new Credentials(found, null));
        }

        @Override
        public Optional<String> integrationOf(String connectionId) {
            return Optional.ofNullable(owners.get(connectionId));
        }

        @Override
        public void onChange(Consumer<String> listener) {
            listeners.add(listener);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static DynamicFieldConfig select(String name, long cacheMillis, String... dependsOn) {
        return DynamicFieldConfig.builder(name, FieldType.SELECT).fetchOptions(new FetchOptions(List.of(dependsOn), cacheMillis, false))
                .build();
    }

    /** Registers integration {@code shop} (plugin version {@code version}) with one action {@code pick}. */
    private IntegrationRegistry.Registration register(String version, List<DynamicFieldConfig> fields, Map<String, OptionsProvider> providers) {
        ActionDefinition.Builder action = ActionDefinition.builder("pick", NOTHING);
        fields.forEach(action::field);
        providers.forEach(action::optionsProvider);
        IntegrationManifest manifest = new IntegrationManifest("shop", "Shop", version, "", null,
                new ConnectionType(List.of(DynamicFieldConfig.builder("region", FieldType.INPUT).build()), null), List.of(action.build()));
        return registry.registerPlugin("shop-plugin", List.of(manifest), getClass().getClassLoader(), new PluginUsage("shop-plugin", version));
    }

    private FieldOptions.Answer get(String field, String connectionId, String valuesJson) throws Exception {
        return options.options("shop", "pick", field, connectionId, json(valuesJson)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<String> values(FieldOptions.Answer answer) {
        return answer.options().stream().map(option -> option.value().asText()).toList();
    }

    private static List<FieldOption> named(String... values) {
        return java.util.Arrays.stream(values).map(v -> FieldOption.of(v.toUpperCase(java.util.Locale.ROOT), v)).toList();
    }

    /** The failure of a future, unwrapped. */
    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + future.join());
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aChainOfThreeResolvesInDependencyOrderEachForTheValueBefore() throws Exception {
        // Declared out of order on purpose: the graph puts each after what it depends on.
        register("1.0", List.of(select("variant", 60_000, "product"), select("product", 60_000, "category"), select("category", 60_000)),
                Map.of("category", request -> named("desks", "chairs"),
                        "product", request -> named(request.values().get("category").asText() + "-1", request.values().get("category").asText() + "-2"),
                        "variant", request -> named(request.values().get("product").asText() + "-small")));

        assertThat(registry.find("shop").orElseThrow().fieldGraph("pick").resolveOrder()).containsExactly("category", "product", "variant");
        assertThat(values(get("category", null, "{}"))).containsExactly("desks", "chairs");
        assertThat(values(get("product", null, "{\"category\": \"chairs\"}"))).containsExactly("chairs-1", "chairs-2");
        assertThat(values(get("variant", null, "{\"product\": \"chairs-2\", \"category\": \"chairs\"}"))).containsExactly("chairs-2-small");
    }

    @Test
    void aCycleAnUnknownDependencyOrAMissingProviderIsRefusedWhenThePluginLoadsAndNothingChanges() {
        assertThatThrownBy(() -> register("1.0", List.of(select("a", 1_000, "c"), select("b", 1_000, "a"), select("c", 1_000, "b")),
                Map.of("a", r -> List.of(), "b", r -> List.of(), "c", r -> List.of())))
                .isInstanceOf(FieldDependencyException.class)
                .hasMessageContaining("integration 'shop'").hasMessageContaining("action 'pick'").hasMessageContaining("a -> c -> b -> a");
        assertThatThrownBy(() -> register("1.0", List.of(select("a", 1_000, "nope")), Map.of("a", r -> List.of())))
                .hasMessageContaining("field 'a' depends on unknown field 'nope'");
        assertThatThrownBy(() -> register("1.0", List.of(select("a", 1_000, "a")), Map.of("a", r -> List.of())))
                .hasMessageContaining("field 'a' depends on itself");
        assertThatThrownBy(() -> register("1.0", List.of(select("a", 1_000)), Map.of()))
                .hasMessageContaining("field 'a' fetches its options but the action registers no options provider");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void missingDependencyValuesAreNamedAndADefaultStandsInForAnAbsentOne() throws Exception {
        DynamicFieldConfig region = DynamicFieldConfig.builder("region", FieldType.SELECT).defaultValue(TextNode.valueOf("eu"))
                .validation(ValidationRules.oneOf(List.of("eu", "us"))).build();
        register("1.0", List.of(region, select("city", 60_000, "region", "size"), DynamicFieldConfig.builder("size", FieldType.INPUT).build()),
                Map.of("city", request -> named(request.values().get("region").asText() + "-" + request.values().get("size").asText())));

        assertThatThrownBy(() -> options.options("shop", "pick", "city", null, json("{\"size\": \"\"}")))
                .isInstanceOfSatisfying(FieldOptionsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MISSING_DEPENDENCIES);
                    assertThat(e.fields()).containsExactly("size");
                });
        assertThat(values(get("city", null, "{\"size\": \"xl\"}"))).containsExactly("eu-xl");
        assertThat(values(get("region", null, "{}"))).as("fixed options, from validation.enum").containsExactly("eu", "us");
        assertThatThrownBy(() -> options.options("shop", "pick", "size", null, json("{}")))
                .isInstanceOfSatisfying(FieldOptionsException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_OPTIONS));
        assertThatThrownBy(() -> options.options("shop", "pick", "nope", null, json("{}")))
                .isInstanceOfSatisfying(FieldOptionsException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN));
    }

    @Test
    void aHitThenExpiryOnTheTickerAndZeroMeansNeverCached() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        register("1.0", List.of(select("kept", 60_000), select("fresh", 0)),
                Map.of("kept", request -> named("v" + calls.incrementAndGet()), "fresh", request -> named("f" + calls.incrementAndGet())));

        FieldOptions.Answer first = get("kept", null, "{}");
        FieldOptions.Answer second = get("kept", null, "{}");
        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isTrue();
        assertThat(values(second)).containsExactly("v1");
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(59));
        assertThat(get("kept", null, "{}").cached()).isTrue();
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(2));
        FieldOptions.Answer expired = get("kept", null, "{}");
        assertThat(expired.cached()).isFalse();
        assertThat(values(expired)).containsExactly("v2");

        assertThat(get("fresh", null, "{}").cached()).isFalse();
        assertThat(get("fresh", null, "{}").cached()).isFalse();
        assertThat(calls).hasValue(4);
    }

    @Test
    void aHundredIdenticalRequestsAtOnceMakeOneProviderCall() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        register("1.0", List.of(select("slow", 60_000)), Map.of("slow", request -> {
            calls.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
            return named("only");
        }));

        List<CompletableFuture<FieldOptions.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(options.options("shop", "pick", "slow", null, json("{\"unrelated\": " + i + "}")).toCompletableFuture());
        }
        release.countDown();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(calls).as("provider calls").hasValue(1);
        assertThat(answers.stream().filter(a -> !a.join().cached()).count()).as("answers that made the call").isEqualTo(1);
        assertThat(answers).allSatisfy(a -> assertThat(values(a.join())).containsExactly("only"));
    }

    @Test
    void onlyTheDeclaredDependenciesCountAndTheirKeyOrderDoesNot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        register("1.0", List.of(DynamicFieldConfig.builder("a", FieldType.JSON).build(), select("b", 60_000, "a")),
                Map.of("b", request -> named("b" + calls.incrementAndGet())));

        assertThat(get("b", null, "{\"a\": {\"x\": 1, \"y\": 2}, \"other\": 1}").cached()).isFalse();
        assertThat(get("b", null, "{\"other\": 2, \"a\": {\"y\": 2, \"x\": 1}}").cached()).isTrue();
        assertThat(get("b", null, "{\"a\": {\"y\": 3, \"x\": 1}}").cached()).isFalse();
        assertThat(calls).hasValue(2);
    }

    @Test
    void theProviderGetsItsConnectionsCredentialsAndOnlyAConnectionOfItsIntegration() throws Exception {
        register("1.0", List.of(select("where", 60_000)),
                Map.of("where", request -> named("in-" + request.credentials().path("region").asText("none"))));
        connections.put("c1", "shop", "{\"region\": \"eu\"}");
        connections.put("other", "crm", "{\"token\": \"abcdefgh\"}");

        assertThat(values(get("where", "c1", "{}"))).containsExactly("in-eu");
        assertThat(values(get("where", null, "{}"))).containsExactly("in-none");
        assertThat(failureOf(options.options("shop", "pick", "where", "other", json("{}")).toCompletableFuture()))
                .isInstanceOfSatisfying(FieldOptionsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BAD_CONNECTION);
                    assertThat(e.getMessage()).contains("belongs to integration 'crm'");
                });
        assertThat(failureOf(options.options("shop", "pick", "where", "gone", json("{}")).toCompletableFuture()))
                .hasMessageContaining("connection 'gone' does not exist");
    }

    @Test
    void changingAConnectionDropsItsEntriesAndAFetchWithItsOldCredentialsIsNeverServed() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        register("1.0", List.of(select("where", 60_000)), Map.of("where", request -> {
            calls.incrementAndGet();
            String region = request.credentials().path("region").asText();
            if (region.equals("old")) {
                entered.countDown();
                slow.await(10, TimeUnit.SECONDS);
            }
            return named(region);
        }));
        connections.put("c1", "shop", "{\"region\": \"eu\"}");
        assertThat(values(get("where", "c1", "{}"))).containsExactly("eu");
        connections.put("c1", "shop", "{\"region\": \"us\"}");
        assertThat(values(get("where", "c1", "{}"))).as("after the update").containsExactly("us");

        connections.put("c1", "shop", "{\"region\": \"old\"}");
        CompletableFuture<FieldOptions.Answer> inFlight = options.options("shop", "pick", "where", "c1", json("{}")).toCompletableFuture();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // it has the old credentials
        connections.put("c1", "shop", "{\"region\": \"new\"}");
        slow.countDown();
        assertThat(values(inFlight.get(10, TimeUnit.SECONDS))).containsExactly("old");
        assertThat(values(get("where", "c1", "{}"))).as("the fetch with the old credentials is not kept").containsExactly("new");
        assertThat(calls).hasValue(4);
    }

    @Test
    void anUpgradeDropsThePluginsEntriesAndAFetchAcrossItNeverLandsUnderTheNewVersion() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        register("1.0", List.of(select("list", 60_000)), Map.of("list", request -> {
            slow.await(10, TimeUnit.SECONDS);
            return named("from-1.0");
        }));
        CompletableFuture<FieldOptions.Answer> inFlight = options.options("shop", "pick", "list", null, json("{}")).toCompletableFuture();

        register("2.0", List.of(select("list", 60_000)), Map.of("list", request -> named("from-2.0")));
        slow.countDown();
        assertThat(values(inFlight.get(10, TimeUnit.SECONDS))).containsExactly("from-1.0");
        assertThat(values(get("list", null, "{}"))).containsExactly("from-2.0");
        assertThat(get("list", null, "{}").cached()).isTrue();

        register("3.0", List.of(select("list", 60_000)), Map.of("list", request -> named("from-3.0")));
        assertThat(values(get("list", null, "{}"))).as("the upgrade dropped 2.0's entry").containsExactly("from-3.0");
    }

    @Test
    void aProviderThatThrowsFailsWithItsRedactedMessageAndNothingIsCached() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        register("1.0", List.of(select("flaky", 60_000)), Map.of("flaky", request -> {
            if (calls.incrementAndGet() == 1) {
                throw IntegrationException.authenticationFailed("key " + request.credentials().path("key").asText() + " was refused");
            }
            return named("ok");
        }));
        connections.put("c1", "shop", "{\"key\": \"sk_live_secret_123\"}");

        Throwable failure = failureOf(options.options("shop", "pick", "flaky", "c1", json("{}")).toCompletableFuture());
        assertThat(failure).isInstanceOfSatisfying(FieldOptionsException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.errorType()).isEqualTo("authentication_failed");
            assertThat(e.getMessage()).contains("was refused").doesNotContain("sk_live_secret_123");
        });
        assertThat(values(get("flaky", "c1", "{}"))).as("the failure was not kept").containsExactly("ok");
    }

    @Test
    void aProviderThatHangsIsCutAtTheTimeoutInterruptedAndNotCached() throws Exception {
        options = service(new FieldOptions.Settings(Duration.ofMillis(300), Duration.ofMillis(100), 100, 100));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch interrupted = new CountDownLatch(1);
        register("1.0", List.of(select("hangs", 60_000)), Map.of("hangs", request -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            return named("late");
        }));

        long start = System.nanoTime();
        Throwable failure = failureOf(options.options("shop", "pick", "hangs", null, json("{}")).toCompletableFuture());
        assertThat(failure).isInstanceOfSatisfying(FieldOptionsException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the provider's thread was interrupted").isTrue();
        assertThat(values(get("hangs", null, "{}"))).containsExactly("late");
    }

    @Test
    void aDependencyChangingNeverGivesTheOptionsOfItsOldValueEvenWhileTheOldFetchRuns() throws Exception {
        CountDownLatch usSlow = new CountDownLatch(1);
        register("1.0", List.of(DynamicFieldConfig.builder("region", FieldType.INPUT).build(), select("language", 60_000, "region")),
                Map.of("language", request -> {
                    String region = request.values().get("region").asText();
                    if (region.equals("us")) {
                        usSlow.await(10, TimeUnit.SECONDS);
                        return named("en-us", "es-us");
                    }
                    return named("fr", "de");
                }));

        CompletableFuture<FieldOptions.Answer> old = options.options("shop", "pick", "language", null, json("{\"region\": \"us\"}"))
                .toCompletableFuture();
        FieldOptions.Answer now = get("language", null, "{\"region\": \"eu\"}");
        assertThat(values(now)).containsExactly("fr", "de");
        usSlow.countDown();
        assertThat(values(old.get(10, TimeUnit.SECONDS))).containsExactly("en-us", "es-us");
        assertThat(values(get("language", null, "{\"region\": \"eu\"}"))).containsExactly("fr", "de");
    }

    @Test
    void aProviderReturningTooManyOptionsOrNullFails() {
        options = service(new FieldOptions.Settings(Duration.ofSeconds(5), Duration.ofSeconds(1), 100, 3));
        register("1.0", List.of(select("many", 60_000), select("none", 60_000)),
                Map.of("many", request -> named("a", "b", "c", "d"), "none", request -> null));

        assertThat(failureOf(options.options("shop", "pick", "many", null, json("{}")).toCompletableFuture()))
                .hasMessageContaining("returned 4 options; at most 3");
        assertThat(failureOf(options.options("shop", "pick", "none", null, json("{}")).toCompletableFuture()))
                .hasMessageContaining("returned null");
    }

    @Test
    void aSavedValueOutsideTheOptionsIsAProblemAndAnUnreachableProviderOnlyAWarning() throws Exception {
        options = service(new FieldOptions.Settings(Duration.ofSeconds(5), Duration.ofMillis(200), 100, 100));
        CountDownLatch never = new CountDownLatch(1);
        register("1.0", List.of(DynamicFieldConfig.builder("region", FieldType.INPUT).build(), select("language", 60_000, "region"),
                        DynamicFieldConfig.builder("tags", FieldType.MULTI_SELECT).fetchOptions(new FetchOptions(List.of(), 60_000, false)).build(),
                        select("slow", 60_000)),
                Map.of("language", request -> named("fr", "de"), "tags", request -> named("a", "b"), "slow", request -> {
                    never.await();
                    return List.of();
                }));

        FieldOptions.Check fine = options.checkSaved("shop", "pick", null, json("{\"region\": \"eu\", \"language\": \"fr\", \"tags\": [\"a\"]}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(fine.problems()).isEmpty();
        assertThat(fine.warnings()).isEmpty();

        FieldOptions.Check bad = options.checkSaved("shop", "pick", null,
                json("{\"region\": \"eu\", \"language\": \"xx\", \"tags\": [\"a\", \"zz\"], \"slow\": \"q\"}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(bad.problems()).extracting(FieldOptions.Finding::field).containsExactly("language", "tags");
        assertThat(bad.problems().get(0).message()).contains("'xx' is not one of the options").contains("offered: [fr, de]");
        assertThat(bad.warnings()).extracting(FieldOptions.Finding::field).containsExactly("slow");
        assertThat(bad.warnings().get(0).message()).contains("did not come within 200 ms");

        FieldOptions.Check templates = options.checkSaved("shop", "pick", null, json("{\"region\": \"{{ trigger.region }}\", "
                + "\"language\": \"fr\", \"tags\": \"{{ trigger.tags }}\"}")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(templates.problems()).isEmpty();
        assertThat(templates.warnings()).singleElement().satisfies(w -> {
            assertThat(w.field()).isEqualTo("language");
            assertThat(w.message()).contains("hold expressions");
        });

        // Several values outside the options are named together; a long list of options is shown cut, saying how many more.
        FieldOptions.Check several = options.checkSaved("shop", "pick", null,
                json("{\"region\": \"eu\", \"language\": \"fr\", \"tags\": [\"a\", \"zz\", 7]}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(several.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("[zz, 7] are not among the options; offered: [a, b]"));
        // One element of a list holding an expression: the list is checked when it runs, not on save.
        FieldOptions.Check listTemplate = options.checkSaved("shop", "pick", null,
                json("{\"region\": \"eu\", \"language\": \"fr\", \"tags\": [\"a\", \"{{ trigger.tag }}\"]}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(listTemplate.problems()).isEmpty();
        never.countDown();
    }

    @Test
    void aLongListOfOptionsIsShownCutInTheProblem() throws Exception {
        options = service(new FieldOptions.Settings(Duration.ofSeconds(5), Duration.ofSeconds(2), 100, 100));
        String[] many = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "o" + i).toArray(String[]::new);
        register("1.0", List.of(select("language", 60_000)), Map.of("language", request -> named(many)));
        FieldOptions.Check bad = options.checkSaved("shop", "pick", null, json("{\"language\": \"xx\"}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("'xx' is not one of the options; offered: [o0, o1,").endsWith("o19] and 5 more"));
        assertThatThrownBy(() -> new FieldOptions.Settings(Duration.ZERO, Duration.ZERO, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid options settings: PT0S");
    }
}
