package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.core.error.ErrorClassifier;
import io.scenariobuilder.core.error.ErrorInfo;
import io.scenariobuilder.core.integration.IntegrationRegistry;
import io.scenariobuilder.core.scenario.ConfigurationValidator;
import io.scenariobuilder.core.scenario.ScenarioParser;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore.StoredConnection;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.scenariobuilder.api.integration.AllowedHosts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * {@code /api/v1/connections}: credentials for integrations, checked against the integration's connection type when
 * saved (one problem per field, with its path). Secrets are write-only: every answer masks the fields the connection
 * type marks secret (and any field it does not know), and no credential is ever logged. {@code POST .../{id}/test}
 * asks the integration to check them. A connection keeps the key that created it: an editor changes or deletes only its
 * own ({@link Access#checkConnectionOwner}), so it cannot add its own host to the {@code allowedHosts} of someone
 * else's credentials.
 */
public final class ConnectionRoutes {

    private final Vertx vertx;
    private final Http http;
    private final JdbcConnectionStore store;
    private final IntegrationRegistry registry;
    private final ErrorClassifier classifier;
    private final SecurityLog security;
    private final ConfigurationValidator validator;

    public ConnectionRoutes(Vertx vertx, Http http, JdbcConnectionStore store, IntegrationRegistry registry,
            ErrorClassifier classifier, SecurityLog security, ConfigurationValidator validator) {
        this.validator = validator;
        this.security = security;
        this.vertx = vertx;
        this.http = http;
        this.store = store;
        this.registry = registry;
        this.classifier = classifier;
    }

    public void mount(Router router) {
        router.post("/api/v1/connections").handler(ctx -> save(ctx, null));
        router.get("/api/v1/connections").handler(this::list);
        router.get("/api/v1/connections/:id").handler(this::get);
        router.put("/api/v1/connections/:id").handler(ctx -> save(ctx, Http.param(ctx, "id")));
        router.delete("/api/v1/connections/:id").handler(this::delete);
        router.post("/api/v1/connections/:id/test").handler(this::test);
    }

    private void save(RoutingContext ctx, String pathId) {
        ApiKey caller = Auth.caller(ctx);
        JsonNode body = http.objectBody(ctx);
        String id = pathId != null ? pathId : body.path("id").asText("conn-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        if (pathId != null && body.hasNonNull("id") && !pathId.equals(body.get("id").asText())) {
            throw ApiException.badRequest("the body's id is not the id in the path '" + pathId + "'");
        }
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiException.badRequest("id must match [A-Za-z0-9_-]{1,64}: '" + id + "'");
        }
        String integrationId = body.path("integrationId").asText(null);
        if (integrationId == null) {
            throw ApiException.badRequest("integrationId is required");
        }
        var integration = registry.find(integrationId).orElseThrow(() -> ApiException.badRequest("unknown integration '" + integrationId
                + "' (GET /api/v1/integrations lists them)"));
        JsonNode credentials = body.get("credentials");
        if (credentials == null || credentials.isNull()) {
            throw ApiException.badRequest("credentials are missing: send them as \"credentials\": {...}, the fields of "
                    + integrationId + "'s connection type (GET /api/v1/integrations/" + integrationId + ")");
        }
        if (!credentials.isObject()) {
            throw ApiException.badRequest("credentials must be a JSON object, got " + ScenarioParser.kind(credentials));
        }
        ConnectionType type = integration.manifest().connectionType();
        if (type != null) {
            List<Map<String, Object>> problems = validator.validateCredentials(credentials, type).stream()
                    .map(problem -> Map.<String, Object>of("path", "$.credentials." + problem.field(), "message", problem.message()))
                    .toList();
            if (!problems.isEmpty()) {
                throw new ApiException(400, "connection_invalid", "the connection is not valid (" + problems.size() + " problem"
                        + (problems.size() == 1 ? "" : "s") + ")", problems);
            }
        }
        String name = body.path("name").asText(id);
        List<String> allowedHosts = allowedHosts(body.get("allowedHosts"));
        boolean create = pathId == null;
        http.blocking(vertx, () -> {
            var existing = store.get(id);
            if (create && existing.isPresent()) {
                throw ApiException.conflict("connection '" + id + "' exists already; PUT /api/v1/connections/" + id + " replaces it");
            }
            if (!create && existing.isEmpty()) {
                throw ApiException.notFound("no connection '" + id + "'");
            }
            if (existing.isPresent()) {
                Access.checkConnectionOwner(caller, existing.get().createdBy(), id);
            }
            var saved = store.put(id, integrationId, name, credentials, allowedHosts, caller.id());
            security.connectionChanged(caller, create ? "created" : "replaced", id, integrationId);
            return saved;
        }).onSuccess(Http.guard(ctx, saved -> Http.json(ctx, create ? 201 : 200, shown(saved)))).onFailure(ctx::fail);
    }

    /**
     * {@code allowedHosts}: absent or null for none set (the credentials then go only to the host of the connection's
     * {@code testUrl}, if the integration has one), else an array of at most 100 host patterns, each checked.
     */
    private static List<String> allowedHosts(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiException.badRequest("allowedHosts must be an array of host patterns such as [\"api.example.com\", \"*.example.com\"]");
        }
        if (value.size() > 100) {
            throw ApiException.badRequest("allowedHosts may list at most 100 patterns, got " + value.size());
        }
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode entry = value.get(i);
            if (!entry.isTextual()) {
                throw ApiException.badRequest("allowedHosts[" + i + "] must be a string");
            }
            int index = i;
            AllowedHosts.problem(entry.textValue()).ifPresent(problem -> {
                throw ApiException.badRequest("allowedHosts[" + index + "]: " + problem);
            });
            hosts.add(entry.textValue().trim());
        }
        return hosts;
    }

    private void list(RoutingContext ctx) {
        http.blocking(vertx, () -> store.list(this::secretOf)).onSuccess(Http.guard(ctx, all -> Http.json(ctx, 200, Http.page(all, null))))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> store.get(id).orElseThrow(() -> ApiException.notFound("no connection '" + id + "'")))
                .onSuccess(Http.guard(ctx, found -> Http.json(ctx, 200, shown(found)))).onFailure(ctx::fail);
    }

    /** The connection as answers show it: its secret fields masked. */
    private StoredConnection shown(StoredConnection connection) {
        return connection.masked(secretOf(connection.integrationId()));
    }

    /** Which credential fields of an integration are never shown: every one when it is not installed or has no type. */
    private Predicate<String> secretOf(String integrationId) {
        ConnectionType type = registry.find(integrationId).map(found -> found.manifest().connectionType()).orElse(null);
        return type == null ? field -> true : type::isSecret;
    }

    private void delete(RoutingContext ctx) {
        ApiKey caller = Auth.caller(ctx);
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> {
            var existing = store.get(id);
            if (existing.isEmpty()) {
                return false;
            }
            Access.checkConnectionOwner(caller, existing.get().createdBy(), id);
            String integrationId = existing.get().integrationId();
            boolean deleted = store.delete(id);
            if (deleted) {
                security.connectionChanged(caller, "deleted", id, integrationId);
            }
            return deleted;
        }).onSuccess(Http.guard(ctx, deleted -> {
            if (deleted) {
                Http.noContent(ctx);
            } else {
                ctx.fail(ApiException.notFound("no connection '" + id + "'"));
            }
        })).onFailure(ctx::fail);
    }

    private void test(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> {
            StoredConnection connection = store.get(id).orElseThrow(() -> ApiException.notFound("no connection '" + id + "'"));
            var integration = registry.find(connection.integrationId()).orElseThrow(() -> ApiException.badRequest(
                    "integration '" + connection.integrationId() + "' is not installed"));
            ConnectionType type = integration.manifest().connectionType();
            if (type == null || type.tester() == null) {
                throw ApiException.badRequest("integration '" + connection.integrationId() + "' cannot test credentials");
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(integration.classLoader());
            try {
                type.tester().test(connection.credentials());
                answer.put("ok", true);
            } catch (Exception e) {
                ErrorInfo error = classifier.classify(e);
                answer.put("ok", false);
                answer.put("error", Map.of("type", error.type().id(), "message", error.message()));
            } finally {
                thread.setContextClassLoader(previous);
            }
            return answer;
        }).onSuccess(Http.guard(ctx, answer -> Http.json(ctx, 200, answer))).onFailure(ctx::fail);
    }
}
