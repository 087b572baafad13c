package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredIntegration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/integrations}: what is installed, with actions, field specs and the order their fields resolve in;
 * and the options of a dynamic field ({@code POST .../fields/{fieldName}/options}), answered from the cache without
 * leaving the event loop, or fetched by the plugin on a virtual thread.
 */
public final class IntegrationRoutes {

    private final Vertx vertx;
    private final Http http;
    private final IntegrationRegistry registry;
    private final FieldOptions options;

    public IntegrationRoutes(Vertx vertx, Http http, IntegrationRegistry registry, FieldOptions options) {
        this.vertx = vertx;
        this.http = http;
        this.registry = registry;
        this.options = options;
    }

    public void mount(Router router) {
        router.get("/api/v1/integrations").handler(this::list);
        router.get("/api/v1/integrations/:id").handler(this::get);
        router.get("/api/v1/integrations/:id/actions/:actionId").handler(this::action);
        router.post("/api/v1/integrations/:id/actions/:actionId/fields/:fieldName/options").handler(this::options);
    }

    private void list(RoutingContext ctx) {
        Http.json(ctx, 200, Http.page(registry.all().stream()
                .sorted(java.util.Comparator.comparing(RegisteredIntegration::id))
                .map(IntegrationRoutes::describe).toList(), null));
    }

    private void get(RoutingContext ctx) {
        Http.json(ctx, 200, describe(integration(ctx)));
    }

    private void action(RoutingContext ctx) {
        RegisteredIntegration integration = integration(ctx);
        String actionId = Http.param(ctx, "actionId");
        ActionDefinition action = integration.manifest().action(actionId).orElseThrow(() -> ApiException.notFound(
                "integration '" + integration.id() + "' has no action '" + actionId + "'"));
        Http.json(ctx, 200, describe(integration, action));
    }

    /**
     * {@code {connectionId?, values}} -> {@code {options, allowCustom, cached}}. An editor's: the provider runs with the
     * connection's credentials.
     */
    private void options(RoutingContext ctx) {
        JsonNode body = http.objectBody(ctx);
        JsonNode connection = body.get("connectionId");
        if (connection != null && !connection.isNull() && !connection.isTextual()) {
            throw ApiException.badRequest("connectionId must be a string");
        }
        JsonNode values = body.get("values");
        if (values != null && !values.isNull() && !values.isObject()) {
            throw ApiException.badRequest("values must be an object of field names to values");
        }
        var answer = options.options(Http.param(ctx, "id"), Http.param(ctx, "actionId"), Http.param(ctx, "fieldName"),
                connection == null || connection.isNull() ? null : connection.textValue(), values == null || values.isNull() ? null : values);
        Future.fromCompletionStage(answer, vertx.getOrCreateContext()).onComplete(result -> {
            if (result.failed()) {
                Throwable failure = result.cause();
                ctx.fail(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure);
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("options", result.result().options());
            out.put("allowCustom", result.result().allowCustom());
            out.put("cached", result.result().cached());
            Http.json(ctx, 200, out);
        });
    }

    private RegisteredIntegration integration(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        return registry.find(id).orElseThrow(() -> ApiException.notFound("no integration '" + id + "'"));
    }

    static Map<String, Object> describe(RegisteredIntegration integration) {
        IntegrationManifest manifest = integration.manifest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", manifest.id());
        out.put("name", manifest.name());
        out.put("version", manifest.version());
        out.put("description", manifest.description());
        out.put("icon", manifest.icon());
        out.put("pluginId", integration.pluginId());
        out.put("connectionType", manifest.connectionType() == null ? null : Map.of(
                "fields", manifest.connectionType().fields(),
                "secretFields", manifest.connectionType().secretFields(),
                "testable", manifest.connectionType().tester() != null));
        out.put("actions", manifest.actions().stream().map(action -> describe(integration, action)).toList());
        return out;
    }

    private static Map<String, Object> describe(RegisteredIntegration integration, ActionDefinition action) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", action.id());
        out.put("name", action.name());
        out.put("description", action.description());
        out.put("fields", action.fields());
        // The order a form asks for the fields in: each after those its options depend on.
        out.put("fieldOrder", integration.fieldGraph(action.id()).resolveOrder());
        out.put("defaultRetryPolicy", action.defaultRetryPolicy());
        return out;
    }
}
