package io.scenariobuilder.server.http;

import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.integration.IntegrationRegistry.RegisteredIntegration;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/v1/integrations}: what is installed, with actions and field specs. Reads memory only. */
public final class IntegrationRoutes {

    private final IntegrationRegistry registry;

    public IntegrationRoutes(IntegrationRegistry registry) {
        this.registry = registry;
    }

    public void mount(Router router) {
        router.get("/api/v1/integrations").handler(this::list);
        router.get("/api/v1/integrations/:id").handler(this::get);
    }

    private void list(RoutingContext ctx) {
        Auth.require(ctx, Role.VIEWER);
        Http.json(ctx, 200, Http.page(registry.all().stream()
                .sorted(java.util.Comparator.comparing(RegisteredIntegration::id))
                .map(IntegrationRoutes::describe).toList(), null));
    }

    private void get(RoutingContext ctx) {
        Auth.require(ctx, Role.VIEWER);
        String id = Http.param(ctx, "id");
        RegisteredIntegration integration = registry.find(id)
                .orElseThrow(() -> ApiException.notFound("no integration '" + id + "'"));
        Http.json(ctx, 200, describe(integration));
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
                "testable", manifest.connectionType().tester() != null));
        out.put("actions", manifest.actions().stream().map(IntegrationRoutes::describe).toList());
        return out;
    }

    private static Map<String, Object> describe(ActionDefinition action) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", action.id());
        out.put("name", action.name());
        out.put("description", action.description());
        out.put("fields", action.fields());
        out.put("defaultRetryPolicy", action.defaultRetryPolicy());
        return out;
    }
}
