package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/keys} (admin): list, create (the secret is shown once, in the answer), delete. And, for any role,
 * {@code /api/v1/keys/current}: the key the request was made with, so a page knows what it may do.
 */
public final class KeyRoutes {

    private final Vertx vertx;
    private final Http http;
    private final JdbcApiKeyStore keys;
    private final SecurityLog security;
    private final Auth auth;

    public KeyRoutes(Vertx vertx, Http http, JdbcApiKeyStore keys, Auth auth, SecurityLog security) {
        this.security = security;
        this.vertx = vertx;
        this.http = http;
        this.keys = keys;
        this.auth = auth;
    }

    public void mount(Router router) {
        router.get("/api/v1/keys").handler(this::list);
        router.get("/api/v1/keys/current").handler(ctx -> Http.json(ctx, 200, describe(Auth.caller(ctx))));
        router.post("/api/v1/keys").handler(this::create);
        router.delete("/api/v1/keys/:id").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        http.blocking(vertx, keys::list).onSuccess(Http.guard(ctx, all -> Http.json(ctx, 200,
                Http.page(all.stream().map(KeyRoutes::describe).toList(), null)))).onFailure(ctx::fail);
    }

    private void create(RoutingContext ctx) {
        ApiKey caller = Auth.caller(ctx);
        JsonNode body = http.objectBody(ctx);
        String name = body.path("name").asText("");
        if (name.isBlank()) {
            throw ApiException.badRequest("name is required");
        }
        String roleText = body.path("role").asText("");
        Role role = Arrays.stream(Role.values()).filter(r -> r.id().equals(roleText.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> ApiException.badRequest("role must be admin, editor or viewer, got '" + roleText + "'"));
        http.blocking(vertx, () -> keys.create(name, role)).onSuccess(Http.guard(ctx, created -> {
            auth.forgetAll();
            security.keyCreated(caller, created.key());
            Map<String, Object> answer = describe(created.key());
            answer.put("key", created.secret());
            Http.json(ctx, 201, answer);
        })).onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        ApiKey caller = Auth.caller(ctx);
        String id = Http.param(ctx, "id");
        if (id.equals(caller.id())) {
            throw ApiException.conflict("a key cannot delete itself; use another admin key");
        }
        http.blocking(vertx, () -> keys.delete(id)).onSuccess(Http.guard(ctx, deleted -> {
            if (!deleted) {
                ctx.fail(ApiException.notFound("no API key '" + id + "'"));
                return;
            }
            auth.forgetAll();
            security.keyDeleted(caller, id);
            Http.noContent(ctx);
        })).onFailure(ctx::fail);
    }

    static Map<String, Object> describe(ApiKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("name", key.name());
        out.put("role", key.role().id());
        out.put("createdAt", key.createdAt().toString());
        return out;
    }
}
