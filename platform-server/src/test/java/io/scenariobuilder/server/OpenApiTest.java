package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes every route the router has, and nothing it does not. */
class OpenApiTest {

    @TempDir
    Path dir;

    @Test
    void everyRouteIsInTheOpenApiDocumentAndEveryDocumentedOperationIsARoute() throws Exception {
        try (ServerHarness h = new ServerHarness(dir, Map.of())) {
            var response = h.call(HttpMethod.GET, "/api/v1/openapi.json", null, null);
            assertThat(response.status()).isEqualTo(200);
            JsonNode paths = response.body().get("paths");
            List<String> routed = new ArrayList<>();
            for (Route route : h.server.router().getRoutes()) {
                String path = route.getPath();
                if (path == null || route.methods() == null || route.methods().isEmpty()) {
                    continue; // the body handler, the auth filter, the catch-all 404
                }
                String documented = path.replaceAll(":([A-Za-z]+)", "{$1}").replace("/hooks/", "/hooks/{path}");
                for (HttpMethod method : route.methods()) {
                    String name = method.name().toLowerCase(Locale.ROOT);
                    routed.add(name + " " + documented);
                    assertThat(paths.path(documented).has(name)).as(name + " " + documented + " is documented").isTrue();
                }
            }
            paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    assertThat(routed).as("documented " + method + " " + path.getKey() + " is routed").contains(method + " " + path.getKey());
                }
            }));
            assertThat(routed).hasSizeGreaterThan(30);
        }
    }
}
