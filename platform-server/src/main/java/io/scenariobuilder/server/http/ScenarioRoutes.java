package io.scenariobuilder.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.scenario.InvalidScenarioException;
import io.scenariobuilder.core.scenario.Node;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioProblem;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.scenario.ScenarioWriter;
import io.scenariobuilder.core.store.CredentialStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore.StoredScenario;
import io.scenariobuilder.server.ScenarioCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code /api/v1/scenarios}: create, list, read, update (with {@code If-Match}), delete, validate. A scenario is checked
 * in full before it is saved: its structure, and each node's option fields against what the plugin offers (from the
 * cache, or fetched with a short wait); fields whose options could not be had are saved unchecked and named in the
 * answer's {@code warnings}.
 */
public final class ScenarioRoutes {

    private final Vertx vertx;
    private final Http http;
    private final JdbcScenarioStore store;
    private final ScenarioValidator validator;
    private final FieldOptions options;
    private final ScenarioCatalog catalog;
    private final CredentialStore connections;

    public ScenarioRoutes(Vertx vertx, Http http, JdbcScenarioStore store, ScenarioValidator validator, FieldOptions options,
            ScenarioCatalog catalog, CredentialStore connections) {
        this.connections = connections;
        this.vertx = vertx;
        this.http = http;
        this.store = store;
        this.validator = validator;
        this.options = options;
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

    /** A scenario with what its check found: problems (structure and options) and warnings (fields left unchecked). */
    private record Checked(ScenarioValidator.Validation validation, List<ScenarioProblem> problems, List<ScenarioProblem> warnings) {
    }

    /** Checks the body: its structure at once, then each node's option fields (asynchronously, off the event loop). */
    private Future<Checked> check(JsonNode body, String defaultId) {
        ScenarioValidator.Validation validation = validator.validate(body.toString(), defaultId);
        Scenario scenario = validation.scenario();
        if (scenario == null) {
            return Future.succeededFuture(new Checked(validation, validation.problems(), List.of()));
        }
        List<CompletableFuture<Findings>> nodes = new ArrayList<>();
        for (int i = 0; i < scenario.nodes().size(); i++) {
            Node node = scenario.nodes().get(i);
            String path = "$.nodes[" + i + "].configuration.";
            nodes.add(options.checkSaved(node.integrationId(), node.actionId(), node.connectionId(), node.configuration())
                    .toCompletableFuture().thenApply(found -> Findings.of(path, found)));
        }
        CompletableFuture<List<ScenarioProblem>> connectionProblems = http.blocking(vertx, () -> connectionProblems(scenario))
                .toCompletionStage().toCompletableFuture();
        nodes.add(connectionProblems.thenApply(found -> new Findings(found, List.of())));
        CompletableFuture<Checked> all = CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<ScenarioProblem> problems = new ArrayList<>(validation.problems());
            List<ScenarioProblem> warnings = new ArrayList<>();
            for (CompletableFuture<Findings> node : nodes) {
                problems.addAll(node.join().problems());
                warnings.addAll(node.join().warnings());
            }
            return new Checked(validation, problems, warnings);
        });
        return Future.fromCompletionStage(all, vertx.getOrCreateContext());
    }

    /**
     * Each node's connection must exist and belong to the node's own integration: an editor cannot lend an admin's
     * connection to another integration's action (checked again when the node runs).
     */
    private List<ScenarioProblem> connectionProblems(Scenario scenario) {
        List<ScenarioProblem> problems = new ArrayList<>();
        for (int i = 0; i < scenario.nodes().size(); i++) {
            Node node = scenario.nodes().get(i);
            if (node.connectionId() == null) {
                continue;
            }
            String path = "$.nodes[" + i + "].connectionId";
            var owner = connections.integrationOf(node.connectionId());
            if (owner.isEmpty()) {
                problems.add(new ScenarioProblem(path, "connection '" + node.connectionId() + "' does not exist (GET /api/v1/connections "
                        + "lists them)"));
            } else if (!owner.get().equals(node.integrationId())) {
                problems.add(new ScenarioProblem(path, "connection '" + node.connectionId() + "' is a connection of integration '"
                        + owner.get() + "'; a node of integration '" + node.integrationId() + "' may use only a connection of its own "
                        + "integration"));
            }
        }
        return problems;
    }

    /** One node's option check, with the fields' JSON paths. */
    private record Findings(List<ScenarioProblem> problems, List<ScenarioProblem> warnings) {
        static Findings of(String path, FieldOptions.Check check) {
            return new Findings(check.problems().stream().map(f -> new ScenarioProblem(path + f.field(), f.message())).toList(),
                    check.warnings().stream().map(f -> new ScenarioProblem(path + f.field(), f.message())).toList());
        }
    }

    /** A valid scenario from the body with its warnings, or a failure: {@code scenario_invalid} with every problem. */
    private Future<Checked> valid(RoutingContext ctx, String id) {
        return valid(http.objectBody(ctx), id);
    }

    private Future<Checked> valid(JsonNode body, String id) {
        if (id != null && body.hasNonNull("id") && !id.equals(body.get("id").asText())) {
            throw ApiException.badRequest("the body's id '" + body.get("id").asText() + "' is not the id in the path '" + id + "'");
        }
        String defaultId = id != null ? id : "sc-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        return check(body, defaultId).map(checked -> {
            if (!checked.problems().isEmpty()) {
                throw new InvalidScenarioException(checked.problems());
            }
            Scenario scenario = checked.validation().scenario();
            if (scenario.trigger() instanceof io.scenariobuilder.core.scenario.Trigger.Schedule schedule) {
                try {
                    io.scenariobuilder.server.trigger.Scheduler.parse(schedule.cron());
                } catch (IllegalArgumentException e) {
                    throw new InvalidScenarioException(List.of(new ScenarioProblem("$.trigger.cron", e.getMessage())));
                }
            }
            catalog.webhookClash(scenario).ifPresent(owner -> {
                throw ApiException.conflict("scenario '" + owner + "' already listens on that webhook path");
            });
            return checked;
        });
    }

    private void validate(RoutingContext ctx) {
        JsonNode body = http.objectBody(ctx);
        check(body, "unsaved").onSuccess(Http.guard(ctx, checked -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("valid", checked.problems().isEmpty());
            answer.put("errors", paths(checked.problems()));
            answer.put("warnings", paths(checked.warnings()));
            Http.json(ctx, 200, answer);
        })).onFailure(ctx::fail);
    }

    private static List<Map<String, String>> paths(List<ScenarioProblem> problems) {
        return problems.stream().map(p -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("path", p.path());
            entry.put("message", io.scenariobuilder.core.logging.Redactor.redact(p.message())); // it may quote a URL with a password
            return entry;
        }).toList();
    }

    private void create(RoutingContext ctx) {
        valid(ctx, null).compose(checked -> http.blocking(vertx, () -> store.create(checked.validation().scenario()))
                .map(stored -> Map.entry(stored, checked.warnings()))).onSuccess(Http.guard(ctx, saved -> {
                    StoredScenario stored = saved.getKey();
                    catalog.put(stored.scenario());
                    ctx.response().putHeader("Location", "/api/v1/scenarios/" + stored.scenario().id());
                    ctx.response().putHeader("ETag", String.valueOf(stored.version()));
                    Http.json(ctx, 201, withWarnings(document(stored), saved.getValue()));
                })).onFailure(ctx::fail);
    }

    /** The saved document, with the fields that were saved unchecked (absent when there are none). */
    private static ObjectNode withWarnings(ObjectNode document, List<ScenarioProblem> warnings) {
        if (!warnings.isEmpty()) {
            document.set("warnings", Http.JSON.valueToTree(paths(warnings)));
        }
        return document;
    }

    private void list(RoutingContext ctx) {
        Http.onlyParams(ctx, "limit", "cursor");
        int limit = Http.limit(ctx);
        String cursor = Http.cursor(ctx, io.scenariobuilder.core.scenario.ScenarioParser.ID); // the last id of the page before
        http.blocking(vertx, () -> store.list(cursor, limit)).onSuccess(Http.guard(ctx, page -> Http.json(ctx, 200,
                Http.page(page.items().stream().map(ScenarioRoutes::document).toList(), page.nextCursor())))).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        http.blocking(vertx, () -> store.get(id)).onSuccess(Http.guard(ctx, found -> {
            StoredScenario stored = found.orElseThrow(() -> ApiException.notFound("no scenario '" + id + "'"));
            ctx.response().putHeader("ETag", String.valueOf(stored.version()));
            Http.json(ctx, 200, document(stored));
        })).onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        String id = Http.param(ctx, "id");
        int expected = expectedVersion(ctx);
        JsonNode body = http.objectBody(ctx);
        http.blocking(vertx, () -> store.get(id)).compose(current -> {
            // A document read back shows the webhook secret masked; saving it unchanged keeps the stored secret.
            JsonNode trigger = body.path("trigger");
            if (current.isPresent() && trigger.isObject() && SECRET_MASK.equals(trigger.path("secret").asText(null))
                    && current.get().scenario().trigger() instanceof io.scenariobuilder.core.scenario.Trigger.Webhook webhook
                    && webhook.secret() != null) {
                ((ObjectNode) trigger).put("secret", webhook.secret());
            }
            return valid(body, id);
        }).compose(checked -> http.blocking(vertx, () -> {
            if (store.get(id).isEmpty()) {
                throw ApiException.notFound("no scenario '" + id + "'");
            }
            return Map.entry(store.update(checked.validation().scenario(), expected), checked.warnings());
        })).onSuccess(Http.guard(ctx, saved -> {
            StoredScenario stored = saved.getKey();
            catalog.put(stored.scenario());
            ctx.response().putHeader("ETag", String.valueOf(stored.version()));
            Http.json(ctx, 200, withWarnings(document(stored), saved.getValue()));
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

    /** What a webhook secret shows as in answers: anyone who can read scenarios must not be able to sign calls. */
    static final String SECRET_MASK = io.scenariobuilder.core.store.jdbc.JdbcConnectionStore.MASK;

    static ObjectNode document(StoredScenario stored) {
        ObjectNode document = ScenarioWriter.write(stored.scenario());
        if (document.path("trigger").hasNonNull("secret")) {
            ((ObjectNode) document.get("trigger")).put("secret", SECRET_MASK);
        }
        document.put("createdAt", stored.createdAt().toString());
        return document;
    }
}
