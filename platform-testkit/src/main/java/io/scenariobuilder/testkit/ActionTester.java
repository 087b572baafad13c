package io.scenariobuilder.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.OptionsProvider;
import io.scenariobuilder.api.field.OptionsRequest;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.error.ErrorInfo;
import io.scenariobuilder.core.expression.ExpressionCompiler;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one action of an integration the way the engine does: configuration checked against the field specs,
 * the integration's class loader as context class loader, blocking actions on a virtual thread, asynchronous ones
 * through {@code executeAsync}.
 *
 * <pre>{@code
 * ActionTester acme = ActionTester.of(new AcmeIntegration());
 * ActionResult result = acme.action("find-contact")
 *         .configuration("{\"email\": \"ada@example.com\"}")
 *         .credentials("{\"apiKey\": \"k\"}")
 *         .run();
 * IntegrationException error = acme.action("find-contact").configuration("{\"email\": \"nobody@example.com\"}")
 *         .runExpectingError();
 * assertThat(error.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
 * }</pre>
 */
public final class ActionTester {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Integration integration;
    private final IntegrationManifest manifest;
    private final ConfigurationValidator validator = new ConfigurationValidator(new ExpressionCompiler(100));

    private ActionTester(Integration integration) {
        this.integration = integration;
        this.manifest = integration.manifest();
    }

    /** A tester for this integration (its manifest is read once). */
    public static ActionTester of(Integration integration) {
        return new ActionTester(Objects.requireNonNull(integration, "integration"));
    }

    /** The integration's manifest. */
    public IntegrationManifest manifest() {
        return manifest;
    }

    /** Starts a call of one action. */
    public Call action(String actionId) {
        return new Call(definition(actionId));
    }

    /**
     * Fetches a field's options as the platform does at design time.
     *
     * @param values the values of the other fields (those in {@code dependsOn} must be there)
     * @throws IllegalArgumentException when the field has no options provider or a dependency value is missing
     */
    public List<FieldOption> fetchOptions(String actionId, String fieldName, String credentialsJson, String valuesJson) throws Exception {
        ActionDefinition action = definition(actionId);
        DynamicFieldConfig field = action.field(fieldName).orElseThrow(() -> new IllegalArgumentException(
                "action '" + actionId + "' has no field '" + fieldName + "'"));
        OptionsProvider provider = action.optionsProviders().get(fieldName);
        if (provider == null || field.fetchOptions() == null) {
            throw new IllegalArgumentException("field '" + fieldName + "' of action '" + actionId + "' does not fetch its options");
        }
        JsonNode values = parse(valuesJson == null ? "{}" : valuesJson);
        List<String> missing = field.fetchOptions().dependsOn().stream()
                .filter(name -> !values.hasNonNull(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("field '" + fieldName + "' depends on " + missing + ", which have no value");
        }
        JsonNode credentials = parse(credentialsJson == null ? "{}" : credentialsJson);
        return withContextLoader(() -> provider.fetch(new OptionsRequest(credentials, values)));
    }

    private ActionDefinition definition(String actionId) {
        return manifest.action(actionId).orElseThrow(() -> new IllegalArgumentException("integration '" + manifest.id()
                + "' has no action '" + actionId + "' (actions: " + manifest.actions().stream().map(ActionDefinition::id).toList() + ")"));
    }

    private <T> T withContextLoader(java.util.concurrent.Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(integration.getClass().getClassLoader());
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + ": " + json, e);
        }
    }

    /** One call of one action; set what you need, then {@link #run()}. */
    public final class Call {
        private final ActionDefinition action;
        private JsonNode configuration = JSON.createObjectNode();
        private JsonNode input = JSON.createObjectNode();
        private JsonNode credentials;
        private List<String> allowedHosts;
        private String connectionId;
        private int attempt = 1;
        private Duration timeout = Duration.ofSeconds(30);
        private TestContext lastContext;

        private Call(ActionDefinition action) {
            this.action = action;
        }

        /** The node's configuration (resolved values: no templates here). */
        public Call configuration(String json) {
            return configuration(parse(json));
        }

        /** The node's configuration. */
        public Call configuration(JsonNode configuration) {
            this.configuration = configuration;
            return this;
        }

        /** The node's input. */
        public Call input(String json) {
            return input(parse(json));
        }

        /** The node's input. */
        public Call input(JsonNode input) {
            this.input = input;
            return this;
        }

        /**
         * The connection's {@code allowedHosts} (by default none is set, as for a connection saved without them).
         *
         * @since 1.3.0
         */
        public Call allowedHosts(String... patterns) {
            this.allowedHosts = List.of(patterns);
            return this;
        }

        /** The connection's decrypted credentials. */
        public Call credentials(String json) {
            this.credentials = parse(json);
            this.connectionId = "test-connection";
            return this;
        }

        /** The attempt number (for actions that behave differently on retries). */
        public Call attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        /** How long to wait before cancelling the action and failing the test (default 30 s). */
        public Call timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Runs the action once.
         *
         * @throws IllegalArgumentException when the configuration does not match the action's field specs
         * @throws Exception what the action threw
         */
        public ActionResult run() throws Exception {
            List<ConfigurationProblem> problems = validator.validate(configuration, action, false);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("configuration of action '" + action.id() + "' is invalid: "
                        + problems.stream().map(p -> p.field() + ": " + p.message()).toList());
            }
            JsonNode withDefaults = configuration.deepCopy();
            for (DynamicFieldConfig field : action.fields()) {
                if (!withDefaults.has(field.fieldName()) && field.defaultValue() != null) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) withDefaults).set(field.fieldName(), field.defaultValue());
                }
            }
            TestContext context = new TestContext(input, withDefaults, credentials, connectionId, attempt, allowedHosts);
            lastContext = context;
            CompletableFuture<ActionResult> future;
            if (action.executor().getCapabilities().style() == ExecutionStyle.ASYNC) {
                future = withContextLoader(() -> action.executor().executeAsync(context).toCompletableFuture());
            } else {
                future = new CompletableFuture<>();
                CompletableFuture<ActionResult> result = future;
                Thread thread = Thread.ofVirtual().name("testkit-action").start(() -> {
                    try {
                        result.complete(withContextLoader(() -> action.executor().execute(context)));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
                context.onCancel(thread::interrupt);
            }
            try {
                return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                context.cancel();
                future.cancel(true);
                throw new AssertionError("action '" + action.id() + "' did not finish within " + timeout + "; it was cancelled");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw (Error) cause;
            }
        }

        /**
         * Runs the action expecting it to fail, and returns the error as the platform classifies it: the action's own
         * {@link IntegrationException}, or one typed from whatever else it threw.
         */
        public IntegrationException runExpectingError() {
            ActionResult result;
            try {
                result = run();
            } catch (IntegrationException e) {
                return e;
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                ErrorInfo info = new ErrorClassifier().classify(e);
                return new IntegrationException(info.type(), info.message(), info.retryable(),
                        info.retryAfterMs() == null ? null : Duration.ofMillis(info.retryAfterMs()), e);
            }
            throw new AssertionError("action '" + action.id() + "' was expected to fail but returned " + result.output());
        }

        /** The log lines of the last run, as {@code "level message"}. */
        public List<String> logs() {
            return lastContext == null ? List.of() : lastContext.logs();
        }
    }
}
