package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.http.Access;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every API route with every role: no key is 401, a role below the table's is 403, and a role at or above it is never
 * refused for its role. Every route the router mounts must have its line in {@link Access}: a new route without one
 * fails here.
 */
class RoleWalkTest {

    @TempDir
    Path dir;

    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of("SB_AUTH_FAILURES_PER_MINUTE", "100000"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void everyMountedApiRouteHasItsRoleInTheTable() {
        List<String> missing = new ArrayList<>();
        for (Route route : h.server.router().getRoutes()) {
            String path = route.getPath();
            if (path == null || !path.startsWith("/api/") || path.equals("/api/") || Access.PUBLIC.contains(path) || route.methods() == null) {
                continue;
            }
            for (HttpMethod method : route.methods()) {
                String concrete = path.replaceAll(":[A-Za-z]+", "x");
                if (Access.ruleFor(method, concrete).isEmpty()) {
                    missing.add(method + " " + path);
                }
            }
        }
        assertThat(missing).as("routes without a line in Access.RULES").isEmpty();
    }

    @Test
    void everyRouteWithEveryRole() {
        Map<Role, String> keys = new LinkedHashMap<>();
        keys.put(Role.VIEWER, SecurityAttacks.key(h, "viewer"));
        keys.put(Role.EDITOR, SecurityAttacks.key(h, "editor"));
        keys.put(Role.ADMIN, ServerHarness.ADMIN_KEY);
        List<String> wrong = new ArrayList<>();
        for (Access.Rule rule : Access.RULES) {
            // Ids that do not exist: an allowed call ends in 404, 400 or 409, never in 401 or 403.
            String path = rule.path().replaceAll(":[A-Za-z]+", "nothing-here");
            Object body = rule.method() == HttpMethod.GET || rule.method() == HttpMethod.DELETE ? null : "{}";
            int anonymous = h.call(rule.method(), path, body, null).status();
            if (anonymous != 401) {
                wrong.add(rule.method() + " " + path + " without a key: " + anonymous);
            }
            for (Map.Entry<Role, String> key : keys.entrySet()) {
                Response answer = h.call(rule.method(), path, body, key.getValue());
                boolean allowed = Access.allows(new io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey("k", "k", key.getKey(),
                        java.time.Instant.EPOCH), rule.role());
                int status = answer.status();
                if (allowed && (status == 401 || status == 403)) {
                    wrong.add(rule.method() + " " + path + " as " + key.getKey() + " (allowed): " + status + " " + answer.text());
                } else if (!allowed && status != 403) {
                    wrong.add(rule.method() + " " + path + " as " + key.getKey() + " (not allowed): " + status);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }
}
