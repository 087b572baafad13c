package io.scenariobuilder.core.fields;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.OptionsProvider;
import io.scenariobuilder.api.field.OptionsRequest;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.error.ErrorInfo;
import io.scenariobuilder.core.fields.FieldOptionsException.Reason;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredAction;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredIntegration;
import io.scenariobuilder.core.logging.Redactor;
import io.scenariobuilder.core.metrics.EngineMetrics;
import io.scenariobuilder.core.metrics.MetricFamily;
import io.scenariobuilder.core.metrics.PlatformMetrics;
import io.scenariobuilder.core.store.CredentialStore;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The options of dynamic fields: fetched from the plugin's {@link OptionsProvider} on a virtual thread under the
 * plugin's class loader, cut at {@link Settings#timeout()}, and cached per field for its {@code cacheTimeout}.
 *
 * <p>The cache key is the integration, its plugin's version, the action, the field, the connection (and how many times
 * it changed), and the values of the fields it depends on in a canonical form: only the declared dependencies count,
 * and key order does not. Identical requests at the same time share one provider call (Caffeine's {@link AsyncCache}:
 * the first caller's load is everyone's future). A failure or a timeout is never kept. Entries of a connection go when
 * it is changed or deleted; entries of a plugin go when it is upgraded or removed, and a fetch still running across an
 * upgrade is dropped when it lands (its key names the old version, so no caller of the new one ever sees it).
 */
public final class FieldOptions {

    /** Cache requests by event: {@code hit}, {@code miss}, {@code eviction}. */
    public static final MetricFamily CACHE = MetricFamily.of("sb.options.cache", MetricFamily.Kind.COUNTER, "sb_options_cache",
            "Fetched-options cache: hits, misses and evictions", "event");
    /** Entries in the cache. */
    public static final MetricFamily CACHE_ENTRIES = MetricFamily.of("sb.options.cache.entries", MetricFamily.Kind.GAUGE,
            "sb_options_cache_entries", "Fetched option lists in the cache now");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param timeout how long a provider may take before the fetch fails with {@link Reason#TIMEOUT}
     * @param checkWait how long a save or a node about to run waits for options to check a value against; past it the
     *     value is not checked (a warning on save) and the fetch goes on for the cache
     * @param maxEntries the most option lists the cache holds
     * @param maxOptions the most options one fetch may return
     */
    public record Settings(Duration timeout, Duration checkWait, long maxEntries, int maxOptions) {
        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(checkWait, "checkWait");
            if (timeout.isNegative() || timeout.isZero() || checkWait.isNegative() || maxEntries < 0 || maxOptions < 1) {
                throw new IllegalArgumentException("invalid options settings: " + timeout + ", " + checkWait + ", " + maxEntries
                        + ", " + maxOptions);
            }
        }

        /** 10 s to fetch, 2 s to wait when checking, 10,000 lists, 10,000 options a list. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(2), 10_000, 10_000);
        }
    }

    /**
     * A field's options.
     *
     * @param cached true when this caller did not cause the provider call (a cached answer, or one fetched for another
     *     caller at the same time)
     */
    public record Answer(List<FieldOption> options, boolean allowCustom, boolean cached) {
        public Answer {
            options = List.copyOf(options);
        }
    }

    /** What a check of a configuration against the options found. */
    public record Check(List<Finding> problems, List<Finding> warnings) {
        public Check {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        static final Check NONE = new Check(List.of(), List.of());
    }

    /**
     * One problem or warning of a check.
     *
     * @param field the configuration field
     * @param message what is wrong, or why it was not checked
     */
    public record Finding(String field, String message) {
    }

    private record Key(String integrationId, String pluginVersion, String actionId, String field, String connectionId,
            long connectionGeneration, String dependencies, long ttlMillis) {
    }

    private final IntegrationRegistry registry;
    private final CredentialStore credentials;
    private final ErrorClassifier classifier;
    private final EngineMetrics engineMetrics;
    private final Settings settings;
    private final AsyncCache<Key, Stamped> cache;
    private final Ticker ticker;
    /** How many times each connection changed: in every key, so that a fetch with old credentials is never found. */
    private final Map<String, AtomicLong> connectionGenerations = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    @Inject
    public FieldOptions(IntegrationRegistry registry, CredentialStore credentials, ErrorClassifier classifier,
            EngineMetrics engineMetrics, PlatformMetrics metrics, Settings settings) {
        this(registry, credentials, classifier, engineMetrics, metrics, settings, Ticker.systemTicker());
    }

    /** With a ticker of one's own, to test expiry. */
    public FieldOptions(IntegrationRegistry registry, CredentialStore credentials, ErrorClassifier classifier,
            EngineMetrics engineMetrics, PlatformMetrics metrics, Settings settings, Ticker ticker) {
        this.registry = registry;
        this.credentials = credentials;
        this.classifier = classifier;
        this.engineMetrics = engineMetrics;
        this.settings = settings;
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .expireAfter(new PerFieldExpiry())
                .ticker(ticker)
                .recordStats(() -> new Stats())
                .buildAsync();
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> Thread.ofPlatform().name("sb-options-timer").daemon()
                .unstarted(runnable));
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        metrics.counter(CACHE, hits::sum, "hit");
        metrics.counter(CACHE, misses::sum, "miss");
        metrics.counter(CACHE, evictions::sum, "eviction");
        metrics.gauge(CACHE_ENTRIES, () -> cache.synchronous().estimatedSize());
        registry.onChange(this::dropRetiredPlugins);
        credentials.onChange(this::connectionChanged);
    }

    /**
     * The options of a field.
     *
     * @param connectionId the connection whose credentials the provider gets, or {@code null}
     * @param values the form's current values; only those of the fields it depends on are used (a field's default
     *     stands in for an absent one)
     * @return the options; fails with a {@link FieldOptionsException} ({@link Reason#FETCH_FAILED}, {@link Reason#TIMEOUT},
     *     {@link Reason#BAD_CONNECTION})
     * @throws FieldOptionsException at once for an unknown integration, action or field ({@link Reason#UNKNOWN}), a
     *     field without options ({@link Reason#NO_OPTIONS}), or absent dependency values
     *     ({@link Reason#MISSING_DEPENDENCIES}, naming each)
     */
    public CompletionStage<Answer> options(String integrationId, String actionId, String fieldName, String connectionId,
            JsonNode values) {
        RegisteredIntegration integration = registry.find(integrationId).orElseThrow(() -> new FieldOptionsException(Reason.UNKNOWN,
                "no integration '" + integrationId + "'"));
        RegisteredAction action = registry.action(integrationId, actionId).orElseThrow(() -> new FieldOptionsException(
                Reason.UNKNOWN, "integration '" + integrationId + "' has no action '" + actionId + "'"));
        DynamicFieldConfig field = action.definition().field(fieldName).orElseThrow(() -> new FieldOptionsException(Reason.UNKNOWN,
                "action '" + actionId + "' of integration '" + integrationId + "' has no field '" + fieldName + "'"));
        FetchOptions fetch = field.fetchOptions();
        if (fetch == null) {
            List<String> fixed = field.validation().enumValues();
            if (fixed == null) {
                throw new FieldOptionsException(Reason.NO_OPTIONS, "field '" + fieldName + "' of " + integrationId + "." + actionId
                        + " has no options: it is a " + field.type().id() + " field without fetchOptions or a fixed list (validation.enum)");
            }
            return CompletableFuture.completedFuture(new Answer(fixed.stream().map(v -> FieldOption.of(v, v)).toList(), false, false));
        }
        ObjectNode dependencies = dependencyValues(action, field, values == null ? JsonNodeFactory.instance.objectNode() : values);
        return fetch(integration, action, field, connectionId, dependencies)
                .thenApply(fetched -> new Answer(fetched.options(), fetch.allowCustom(), fetched.cached()));
    }

    private record Fetched(List<FieldOption> options, boolean cached) {
    }

    /** Through the cache (single flight), or straight to the provider when the field is not cached. */
    private CompletableFuture<Fetched> fetch(RegisteredIntegration integration, RegisteredAction action, DynamicFieldConfig field,
            String connectionId, ObjectNode dependencies) {
        String actionId = action.definition().id();
        long started = System.nanoTime();
        long ttl = field.fetchOptions().cacheTimeout();
        if (ttl == 0) {
            return load(integration, action, field, connectionId, dependencies, started).thenApply(options -> new Fetched(options, false));
        }
        Key key = new Key(integration.id(), integration.usage().version(), actionId, field.fieldName(),
                connectionId == null ? "" : connectionId, generation(connectionId), canonical(dependencies), ttl);
        boolean[] loaded = {false};
        CompletableFuture<Stamped> future = cache.asMap().get(key); // (the map view counts no hit or miss)
        if (future != null && future.isCompletedExceptionally()) {
            // A failure Caffeine has not removed yet (it does so just after completing it): it is not an answer to keep.
            cache.asMap().remove(key, future);
        }
        future = cache.get(key, (k, executor) -> {
            loaded[0] = true;
            CompletableFuture<List<FieldOption>> fetching = load(integration, action, field, connectionId, dependencies, started);
            // Landed after an upgrade or a connection change: keep it from the cache (no caller of the new one asks for it).
            fetching.thenRun(() -> {
                if (!current(k)) {
                    cache.synchronous().invalidate(k);
                }
            });
            // Stamped when the provider answered, so that its time to live counts from then, however late the cache
            // handles the completion.
            return fetching.thenApply(options -> new Stamped(options, ticker.read()));
        });
        if (!loaded[0]) {
            engineMetrics.optionsFetched(integration.id(), actionId, field.fieldName(), "cached", System.nanoTime() - started);
        }
        return future.thenApply(stamped -> new Fetched(stamped.options(), !loaded[0]));
    }

    /** Calls the provider on a virtual thread with the plugin's class loader, cut at the timeout. */
    private CompletableFuture<List<FieldOption>> load(RegisteredIntegration integration, RegisteredAction action,
            DynamicFieldConfig field, String connectionId, ObjectNode dependencies, long started) {
        String actionId = action.definition().id();
        String where = integration.id() + "." + actionId + "." + field.fieldName();
        OptionsProvider provider = action.definition().optionsProviders().get(field.fieldName());
        CompletableFuture<List<FieldOption>> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("sb-options-" + where).unstarted(() -> {
            Collection<String> secrets = List.of();
            try {
                JsonNode given = JsonNodeFactory.instance.objectNode();
                if (connectionId != null) {
                    // One lookup (it takes the integration); the owner is asked only to say why it gave nothing.
                    given = credentials.credentials(connectionId, integration.id()).orElseThrow(() -> new FieldOptionsException(
                            Reason.BAD_CONNECTION, credentials.integrationOf(connectionId)
                                    .map(owner -> "connection '" + connectionId + "' belongs to integration '" + owner + "', not '"
                                            + integration.id() + "'")
                                    .orElse("connection '" + connectionId + "' does not exist"))).values();
                    secrets = secretValues(given);
                }
                List<FieldOption> options = call(provider, integration.classLoader(), new OptionsRequest(given, dependencies.deepCopy()));
                result.complete(hostCopy(options, where));
            } catch (FieldOptionsException e) {
                result.completeExceptionally(e);
            } catch (Throwable t) {
                if (result.isDone()) {
                    return; // cut by the timeout, which interrupted it
                }
                ErrorInfo error = classifier.classify(t);
                result.completeExceptionally(new FieldOptionsException(Reason.FETCH_FAILED, "the options of " + where + " could not be "
                        + "fetched: " + Redactor.redact(error.message(), secrets), List.of(), error.type().id()));
            }
        });
        ScheduledFuture<?> cut = timer.schedule(() -> {
            if (result.completeExceptionally(new FieldOptionsException(Reason.TIMEOUT, "the options of " + where + " took more than "
                    + settings.timeout().toMillis() + " ms (SB_OPTIONS_TIMEOUT)"))) {
                thread.interrupt();
            }
        }, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((options, failure) -> {
            cut.cancel(false);
            String outcome = failure == null ? "ok"
                    : failure instanceof FieldOptionsException e && e.reason() == Reason.TIMEOUT ? "timeout" : "failed";
            engineMetrics.optionsFetched(integration.id(), actionId, field.fieldName(), outcome, System.nanoTime() - started);
        });
        thread.start();
        return result;
    }

    private static List<FieldOption> call(OptionsProvider provider, ClassLoader loader, OptionsRequest request) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return provider.fetch(request);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The options in the platform's own types, checked: a list, at most {@link Settings#maxOptions()}, no null. A
     * plugin's list (or its node subclasses) would keep its class loader alive in the cache after it is unloaded.
     */
    private List<FieldOption> hostCopy(List<FieldOption> options, String where) throws JsonProcessingException {
        if (options == null) {
            throw new FieldOptionsException(Reason.FETCH_FAILED, "the options provider of " + where + " returned null instead of a list");
        }
        if (options.size() > settings.maxOptions()) {
            throw new FieldOptionsException(Reason.FETCH_FAILED, "the options provider of " + where + " returned " + options.size()
                    + " options; at most " + settings.maxOptions() + " are taken");
        }
        List<FieldOption> copy = new ArrayList<>(options.size());
        for (FieldOption option : options) {
            if (option == null) {
                throw new FieldOptionsException(Reason.FETCH_FAILED, "the options provider of " + where + " returned a null option");
            }
            copy.add(new FieldOption(option.label(), JSON.readTree(option.value().toString())));
        }
        return List.copyOf(copy);
    }

    /**
     * The values of the fields {@code field} depends on, from {@code values} or the dependency's default.
     *
     * @throws FieldOptionsException naming every dependency without a value, or holding an expression
     */
    private static ObjectNode dependencyValues(RegisteredAction action, DynamicFieldConfig field, JsonNode values) {
        ObjectNode dependencies = JsonNodeFactory.instance.objectNode();
        List<String> missing = new ArrayList<>();
        List<String> templates = new ArrayList<>();
        for (String name : field.fetchOptions().dependsOn()) {
            JsonNode value = values.get(name);
            if (absent(value)) {
                value = action.definition().field(name).map(DynamicFieldConfig::defaultValue).orElse(null);
            }
            if (absent(value)) {
                missing.add(name);
            } else if (value.isTextual() && value.textValue().contains("{{")) {
                templates.add(name);
            } else {
                dependencies.set(name, value);
            }
        }
        if (!missing.isEmpty()) {
            throw new FieldOptionsException(Reason.MISSING_DEPENDENCIES, "the options of '" + field.fieldName() + "' depend on "
                    + field.fetchOptions().dependsOn() + "; give a value for " + missing, missing, null);
        }
        if (!templates.isEmpty()) {
            throw new FieldOptionsException(Reason.MISSING_DEPENDENCIES, "the options of '" + field.fieldName() + "' depend on "
                    + templates + ", which hold expressions: the options are known only when the node runs", templates, null);
        }
        return dependencies;
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() || value.isTextual() && value.textValue().isEmpty();
    }

    /** JSON with object keys sorted at every level: equal values, equal text. */
    static String canonical(JsonNode value) {
        return sorted(value).toString();
    }

    private static JsonNode sorted(JsonNode value) {
        if (value.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                fields.put(entry.getKey(), sorted(entry.getValue()));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (value.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            value.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return value;
    }

    // ---- checks of configurations against the options ----

    /**
     * Checks the option fields of one node's configuration at save time: values that are not among the options are
     * problems; fields that could not be checked (the provider failed or was slow, a dependency holds an expression or
     * has no value) are warnings. Expression values are left for the run.
     */
    public CompletionStage<Check> checkSaved(String integrationId, String actionId, String connectionId, JsonNode configuration) {
        return check(integrationId, actionId, connectionId, configuration, true);
    }

    /**
     * Checks a node's resolved configuration before it runs, or {@code null} when its action has no field to check
     * (nothing to wait for). A value no longer offered is a problem; a provider that fails or is slow leaves the value
     * unchecked (a warning), so that a flaky options API never stops a run by itself.
     */
    public CompletionStage<Check> checkResolved(RegisteredAction action, String connectionId, JsonNode configuration) {
        FieldGraph graph = action.integration().fieldGraph(action.definition().id());
        if (graph.checkedFields().isEmpty()) {
            return null;
        }
        return check(action, graph, connectionId, configuration, false);
    }

    private CompletionStage<Check> check(String integrationId, String actionId, String connectionId, JsonNode configuration,
            boolean saving) {
        Optional<RegisteredAction> action = registry.action(integrationId, actionId);
        if (action.isEmpty()) {
            return CompletableFuture.completedFuture(Check.NONE); // the scenario's validation names it
        }
        FieldGraph graph = action.get().integration().fieldGraph(actionId);
        return check(action.get(), graph, connectionId, configuration, saving);
    }

    private CompletionStage<Check> check(RegisteredAction action, FieldGraph graph, String connectionId, JsonNode configuration,
            boolean saving) {
        List<CompletableFuture<FieldCheck>> checks = new ArrayList<>();
        for (String name : graph.checkedFields()) {
            JsonNode value = configuration.get(name);
            if (absent(value) || saving && holdsTemplate(value)) {
                continue;
            }
            DynamicFieldConfig field = action.definition().field(name).orElseThrow();
            checks.add(checkField(action, field, connectionId, configuration, value));
        }
        if (checks.isEmpty()) {
            return CompletableFuture.completedFuture(Check.NONE);
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Finding> problems = new ArrayList<>();
            List<Finding> warnings = new ArrayList<>();
            for (CompletableFuture<FieldCheck> check : checks) {
                FieldCheck found = check.join();
                if (found.problem() != null) {
                    problems.add(found.problem());
                }
                if (found.warning() != null) {
                    warnings.add(found.warning());
                }
            }
            return new Check(problems, warnings);
        });
    }

    /** What the check of one field found: a problem, a warning (it could not be checked), or neither. */
    private record FieldCheck(Finding problem, Finding warning) {
        static final FieldCheck FINE = new FieldCheck(null, null);
    }

    private CompletableFuture<FieldCheck> checkField(RegisteredAction action, DynamicFieldConfig field, String connectionId,
            JsonNode configuration, JsonNode value) {
        String name = field.fieldName();
        ObjectNode dependencies;
        try {
            dependencies = dependencyValues(action, field, configuration);
        } catch (FieldOptionsException e) {
            return CompletableFuture.completedFuture(new FieldCheck(null, new Finding(name, "not checked against its options: "
                    + e.getMessage())));
        }
        CompletableFuture<Fetched> fetched;
        try {
            fetched = fetch(action.integration(), action, field, connectionId, dependencies);
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        long wait = settings.checkWait().toMillis();
        return fetched.copy().orTimeout(wait, TimeUnit.MILLISECONDS).handle((got, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                String why = cause instanceof java.util.concurrent.TimeoutException
                        ? "the options did not come within " + wait + " ms"
                        : cause.getMessage();
                return new FieldCheck(null, new Finding(name, "not checked against its options: " + why));
            }
            List<JsonNode> offered = got.options().stream().map(FieldOption::value).toList();
            List<String> outside = new ArrayList<>();
            for (JsonNode one : field.type() == FieldType.MULTI_SELECT && value.isArray() ? iterable(value) : List.of(value)) {
                if (offered.stream().noneMatch(option -> same(option, one))) {
                    outside.add(one.isTextual() ? one.textValue() : one.toString());
                }
            }
            if (outside.isEmpty()) {
                return FieldCheck.FINE;
            }
            List<String> shown = offered.stream().limit(20).map(v -> v.isTextual() ? v.textValue() : v.toString()).toList();
            String message = (outside.size() == 1 ? "'" + outside.get(0) + "' is not one of the options" : outside + " are not among the options")
                    + (dependencies.isEmpty() ? "" : " for " + dependencies) + "; offered: " + shown
                    + (offered.size() > shown.size() ? " and " + (offered.size() - shown.size()) + " more" : "");
            return new FieldCheck(new Finding(name, message), null);
        });
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.forEach(elements::add);
        return elements;
    }

    /** The same option value: equal JSON, or the same text for two scalars ({@code "5"} and {@code 5}). */
    private static boolean same(JsonNode option, JsonNode value) {
        return option.equals(value) || option.isValueNode() && value.isValueNode() && option.asText().equals(value.asText());
    }

    private static boolean holdsTemplate(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue().contains("{{");
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (element.isTextual() && element.textValue().contains("{{")) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- invalidation ----

    private long generation(String connectionId) {
        return connectionId == null ? 0 : connectionGenerations.computeIfAbsent(connectionId, id -> new AtomicLong()).get();
    }

    /** A connection was created, replaced or deleted: its entries go, and fetches still running with it are not kept. */
    public void connectionChanged(String connectionId) {
        connectionGenerations.computeIfAbsent(connectionId, id -> new AtomicLong()).incrementAndGet();
        cache.synchronous().asMap().keySet().removeIf(key -> key.connectionId().equals(connectionId));
    }

    /** After an install, upgrade or removal: entries of a version no longer installed go. */
    private void dropRetiredPlugins() {
        cache.synchronous().asMap().keySet().removeIf(key -> !current(key));
    }

    private boolean current(Key key) {
        Optional<RegisteredIntegration> integration = registry.find(key.integrationId());
        return integration.isPresent() && integration.get().usage().version().equals(key.pluginVersion())
                && generation(key.connectionId().isEmpty() ? null : key.connectionId()) == key.connectionGeneration();
    }

    private static Collection<String> secretValues(JsonNode credentials) {
        List<String> secrets = new ArrayList<>(2);
        credentials.forEach(value -> {
            if (value.isTextual() && value.textValue().length() >= 6) {
                secrets.add(value.textValue());
            }
        });
        return secrets;
    }

    /** Each entry lives for its field's {@code cacheTimeout}. */
    /** Options with the ticker's time when the provider gave them. */
    private record Stamped(List<FieldOption> options, long at) {
    }

    /** A field's {@code cacheTimeout}, counted from when its provider answered. */
    private static final class PerFieldExpiry implements Expiry<Key, Stamped> {
        @Override
        public long expireAfterCreate(Key key, Stamped value, long currentTime) {
            return Math.max(0, TimeUnit.MILLISECONDS.toNanos(key.ttlMillis()) - (currentTime - value.at()));
        }

        @Override
        public long expireAfterUpdate(Key key, Stamped value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(Key key, Stamped value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** Caffeine's statistics into the platform's counters. */
    private final class Stats implements StatsCounter {
        @Override
        public void recordHits(int count) {
            hits.add(count);
        }

        @Override
        public void recordMisses(int count) {
            misses.add(count);
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
        }

        @Override
        public void recordLoadFailure(long loadTime) {
        }

        @Override
        public void recordEviction(int weight, RemovalCause cause) {
            if (cause.wasEvicted()) {
                evictions.add(weight);
            }
        }

        @Override
        public CacheStats snapshot() {
            return CacheStats.of(hits.sum(), misses.sum(), 0, 0, 0, evictions.sum(), 0);
        }
    }
}
