package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioProblem;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.scenario.ScenarioWriter;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore.StoredScenario;
import io.scenariobuilder.server.ScenarioCatalog;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** {@code /api/v1/scenarios}: create, list, read, update (with {@code If-Match}), delete, validate. */
public final class ScenarioRoutes {

    private final Vertx vertx;
    private final Http http;
    private final JdbcScenarioStore store;
    private final ScenarioValidator validator;
    private final ScenarioCatalog catalog;

    public ScenarioRoutes(Vertx vertx, Http http, JdbcScenarioStore store, ScenarioValidator validator, ScenarioCatalog catalog) {
        this.vertx = vertx;
        this.http = http;
        this.store = store;
        this.validator = validator;
        this.catalog = catalog;
    }

    public void mount(Router router) {
        router.post("/api/v1/scenarios/validate").handler(this::validate);
        router.post("/api/v1/scenarios").handler(this::create);
        router.get("/api/v1/scenarios").handler(this::list);
        router.get("/api/v1/scenarios/:id").handler(this::get);
        router.put("/api/v1/scenarios/:id").handler(this::update);
        router.delete("/api/v1/scenarios/:id").handler(this::delete);
    }

    /** A valid scenario from the body, or {@code scenario_invalid} with every problem. */
    private Scenario valid(RoutingContext ctx, String id) {
        JsonNode body = http.objectBody(ctx);
        if (id != null && body.hasNonNull("id") && !id.equals(body.get("id").asText())) {
            throw ApiException.badRequest("the body's id '" + body.get("id").asText() + "' is not the id in the path '" + id + "'");
        }
        String defaultId = id != null ? id : "sc-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        ScenarioValidator.Validation validation = validator.validate(body.toString(), defaultId);
        if (!validation.valid()) {
            throw new InvalidScenarioException(validation.problems());
        }
        if (validation.scenario().trigger() instanceof io.scenariobuilder.core.scenario.Trigger.Schedule schedule) {
            try {
                io.scenariobuilder.server.trigger.Scheduler.parse(schedule.cron());
            } catch (IllegalArgumentException e) {
                throw new InvalidScenarioException(List.of(new ScenarioProblem("$.trigger.cron", e.getMessage())));
            }
        }
        catalog.webhookClash(validation.scenario()).ifPresent(owner -> {
            throw ApiException.conflict("scenario '" + owner + "' already listens on that webhook path");
        });
        return validation.scenario();
    }

    private void validate(RoutingContext ctx) {
        Auth.require(ctx, Role.VIEWER);
        JsonNode body = http.objectBody(ctx);
        ScenarioValidator.Validation validation = validator.validate(body.toString(), "unsaved");
        List<Map<String, String>> errors = validation.problems().stream()
                .map((ScenarioProblem p) -> {
                    Map<String, String> error = new java.util.LinkedHashMap<>();
                    error.put("path", p.path());
                    error.put("message", p.message());
                    return error;
                })
                .toList();
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("valid", validation.valid());
        answer.put("errors", errors);
        Http.json(ctx, 200, answer);
    }

    private void create(RoutingContext ctx) {
        Auth.require(ctx, Role.EDITOR);
        Scenario scenario = valid(ctx, null);
        http.blocking(vertx, () -> store.create(scenario)).onSuccess(Http.guard(ctx, stored -> {
            catalog.put(stored.scenario());
            ctx.response().putHeader("Location", "/api/v1/scenarios/" + stored.scenario().id());
            ctx.response().putHeader("ETag", String.valueOf(stored.version()));
            Http.json(ctx, 201, document(stored));
        })).onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        Auth.require(ctx, Role.VIEWER);
        int limit = Http.limit(ctx);
        String cursor = ctx.queryParams().get("cursor");
        http.blocking(vertx, () -> store.list(cursor, limit)).onSuccess(Http.guard(ctx, page -> Http.json(ctx, 200,
                Http.page(page.items().stream().map(ScenarioRoutes::document).toList(), page.nextCursor())))).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        Auth.require(ctx, Role.VIEWER);
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> store.get(id)).onSuccess(Http.guard(ctx, found -> {
            StoredScenario stored = found.orElseThrow(() -> ApiException.notFound("no scenario '" + id + "'"));
            ctx.response().putHeader("ETag", String.valueOf(stored.version()));
            Http.json(ctx, 200, document(stored));
        })).onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        Auth.require(ctx, Role.EDITOR);
        String id = Http.param(ctx, "id");
        int expected = expectedVersion(ctx);
        Scenario scenario = valid(ctx, id);
        http.blocking(vertx, () -> {
            if (store.get(id).isEmpty()) {
                throw ApiException.notFound("no scenario '" + id + "'");
            }
            return store.update(scenario, expected);
        }).onSuccess(Http.guard(ctx, stored -> {
            catalog.put(stored.scenario());
            ctx.response().putHeader("ETag", String.valueOf(stored.version()));
            Http.json(ctx, 200, document(stored));
        })).onFailure(ctx::fail);
    }

    private static int expectedVersion(RoutingContext ctx) {
        String header = ctx.request().getHeader("If-Match");
        if (header == null || header.isBlank()) {
            throw ApiException.badRequest("PUT needs the version being replaced in If-Match (GET the scenario: its 'version')");
        }
        String text = header.strip().replace("\"", "").replaceFirst("^W/", "");
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("If-Match must be a scenario version number, got '" + header + "'");
        }
    }

    private void delete(RoutingContext ctx) {
        Auth.require(ctx, Role.EDITOR);
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> store.delete(id)).onSuccess(Http.guard(ctx, deleted -> {
            if (!deleted) {
                ctx.fail(ApiException.notFound("no scenario '" + id + "'"));
                return;
            }
            catalog.remove(id);
            Http.noContent(ctx);
        })).onFailure(ctx::fail);
    }

    static ObjectNode document(StoredScenario stored) {
        ObjectNode document = ScenarioWriter.write(stored.scenario());
        document.put("createdAt", stored.createdAt().toString());
        return document;
    }
}
