package io.scenariobuilder.server.http;

import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may do what: the one table of the role each API route needs, and the one rule about whose connections an
 * editor may change. {@link Auth} applies the table to every {@code /api/**} request (and the stream handshakes)
 * right after the key is known, before the body is read; handlers never check roles themselves. The table is
 * written out in {@code docs/server.md}; a test walks every mounted route with every role, and fails when a route
 * has no entry here.
 *
 * <ul>
 *   <li>viewer: reads (scenarios, executions and their logs, connections masked, integrations, plugins, metrics,
 *       live streams);</li>
 *   <li>editor: also writes scenarios, validates them, runs and steers executions, uses any connection by id (in
 *       nodes, tests, field options), creates connections, and changes or deletes the ones it created;</li>
 *   <li>admin: also manages API keys and plugins, and changes or deletes anyone's connections.</li>
 * </ul>
 */
public final class Access {

    /**
     * One route and the role it needs.
     *
     * @param path the route as mounted ({@code :name} for a path parameter)
     */
    public record Rule(HttpMethod method, String path, Role role, Pattern pattern) {

        static Rule of(HttpMethod method, String path, Role role) {
            return new Rule(method, path, role, Pattern.compile(path.replaceAll(":[A-Za-z]+", "[^/]+")));
        }

        boolean matches(HttpMethod requestMethod, String requestPath) {
            return method.equals(requestMethod) && pattern.matcher(requestPath).matches();
        }
    }

    private static final Role V = Role.VIEWER;
    private static final Role E = Role.EDITOR;
    private static final Role A = Role.ADMIN;
    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod PUT = HttpMethod.PUT;
    private static final HttpMethod DELETE = HttpMethod.DELETE;

    /** Every {@code /api/**} route, in the order of {@code docs/server.md}. */
    public static final List<Rule> RULES = List.of(
            Rule.of(GET, "/api/v1/scenarios", V),
            Rule.of(GET, "/api/v1/scenarios/:id", V),
            Rule.of(POST, "/api/v1/scenarios/validate", E),
            Rule.of(POST, "/api/v1/scenarios", E),
            Rule.of(PUT, "/api/v1/scenarios/:id", E),
            Rule.of(DELETE, "/api/v1/scenarios/:id", E),
            Rule.of(POST, "/api/v1/scenarios/:id/executions", E),
            Rule.of(GET, "/api/v1/executions", V),
            Rule.of(GET, "/api/v1/executions/:id", V),
            Rule.of(GET, "/api/v1/executions/:id/logs", V),
            Rule.of(POST, "/api/v1/executions/:id/pause", E),
            Rule.of(POST, "/api/v1/executions/:id/resume", E),
            Rule.of(POST, "/api/v1/executions/:id/cancel", E),
            Rule.of(POST, "/api/v1/executions/:id/retry", E),
            Rule.of(GET, "/api/v1/connections", V),
            Rule.of(GET, "/api/v1/connections/:id", V),
            Rule.of(POST, "/api/v1/connections", E),
            Rule.of(PUT, "/api/v1/connections/:id", E),       // an editor: only the connections it created
            Rule.of(DELETE, "/api/v1/connections/:id", E),    // an editor: only the connections it created
            Rule.of(POST, "/api/v1/connections/:id/test", E),
            Rule.of(GET, "/api/v1/integrations", V),
            Rule.of(GET, "/api/v1/integrations/:id", V),
            Rule.of(GET, "/api/v1/integrations/:id/actions/:actionId", V),
            Rule.of(POST, "/api/v1/integrations/:id/actions/:actionId/fields/:fieldName/options", E),
            Rule.of(GET, "/api/v1/schedules/next", V),
            Rule.of(GET, "/api/v1/plugins", V),
            Rule.of(POST, "/api/v1/plugins", A),
            Rule.of(DELETE, "/api/v1/plugins/:id", A),
            Rule.of(GET, "/api/v1/keys", A),
            Rule.of(GET, "/api/v1/keys/current", V),
            Rule.of(POST, "/api/v1/keys", A),
            Rule.of(DELETE, "/api/v1/keys/:id", A),
            Rule.of(GET, "/api/v1/metrics", V),
            Rule.of(GET, "/api/v1/logs/stream", V),
            Rule.of(GET, "/api/v1/events/stream", V));

    /** Paths under {@code /api/} that need no key: the API's own description and its documentation page. */
    public static final java.util.Set<String> PUBLIC = java.util.Set.of("/api/v1/openapi.json", "/api/docs");

    private Access() {
    }

    /** The rule of a request, if the table has one (a path it does not know is left to the router: 404). */
    public static Optional<Rule> ruleFor(HttpMethod method, String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Rule rule : RULES) {
            if (rule.matches(method, trimmed)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** Whether a key's role includes {@code needed} (admin includes editor, editor viewer). */
    public static boolean allows(ApiKey key, Role needed) {
        return rank(key.role()) >= rank(needed);
    }

    /**
     * Fails with 403 unless {@code key} may change or delete a connection created by the key {@code createdBy}
     * ({@code null}: created before owners were recorded, or by the platform): an admin any, an editor its own.
     */
    public static void checkConnectionOwner(ApiKey key, String createdBy, String connectionId) {
        if (key.role() == Role.ADMIN || (key.role() == Role.EDITOR && key.id().equals(createdBy))) {
            return;
        }
        throw new ApiException(403, "forbidden", "connection '" + connectionId + "' was created by another key; an editor "
                + "changes or deletes only the connections it created, an admin any");
    }

    private static int rank(Role role) {
        return switch (role) {
            case VIEWER -> 1;
            case EDITOR -> 2;
            case ADMIN -> 3;
        };
    }
}
