package io.scenariobuilder.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the page is made of is served from the JAR, without a key, and nothing else is: no listing, no way out. */
class WebAssetsTest {

    static final Path WEB = Path.of("src/main/resources/io/scenariobuilder/server/web");

    @TempDir
    Path dir;

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Response get(String path) {
        return h.call(HttpMethod.GET, path, null, null);
    }

    @Test
    void thePageItsModulesAndLibrariesAreServedWithoutAKey() {
        Response page = get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("Content-Type")).startsWith("text/html");
        assertThat(page.headers().get("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(page.text()).contains("/assets/js/app.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css");
        for (String module : new String[] {"app.js", "api.js", "views/common.js", "views/execution.js",
                "views/execution-graph.js", "views/live-log.js", "views/scenarios.js", "views/executions.js", "views/metrics.js",
                "views/builder.js", "views/node-form.js", "builder/model.js", "builder/canvas.js", "builder/expression-input.js",
                "builder/node-settings.js"}) {
            Response js = get("/assets/js/" + module);
            assertThat(js.status()).as(module).isEqualTo(200);
            assertThat(js.headers().get("Content-Type")).as(module).contains("javascript");
        }
        assertThat(get("/assets/vendor/htm-preact-standalone.module.js").status()).isEqualTo(200);
        assertThat(get("/assets/app.css").headers().get("Content-Type")).startsWith("text/css");
        assertThat(get("/webjars/uplot/1.6.30/dist/uPlot.esm.js").status()).isEqualTo(200);
        assertThat(get("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js").status()).isEqualTo(200);
        Response docs = get("/api/docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.text()).contains("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js", "/assets/swagger-init.js");
        assertThat(get("/assets/swagger-init.js").text()).contains("/api/v1/openapi.json");
    }

    @Test
    void nothingOutsideTheWebFoldersIsReachable() {
        assertThat(get("/assets/").text()).as("the page, not a listing").isEqualTo(get("/").text());
        for (String path : new String[] {"/assets/js/", "/assets/../openapi.json", "/assets/%2e%2e/openapi.json",
                "/assets/..%2fopenapi.json", "/assets/../../../io/scenariobuilder/server/ScenarioBuilderServer.class",
                "/webjars/../../../logback.xml", "/webjars/", "/assets/nope.js"}) {
            Response response = get(path);
            assertThat(response.status()).as(path).isIn(400, 403, 404);
            assertThat(response.text()).as(path).doesNotContain("\"openapi\"", "CAFEBABE");
        }
    }

    @Test
    void theVendoredLibraryIsThePinnedOne() throws Exception {
        byte[] file = Files.readAllBytes(WEB.resolve("vendor/htm-preact-standalone.module.js"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        assertThat(Files.readString(WEB.resolve("vendor/README.md"))).contains(sha, "htm 3.1.1");
        assertThat(WEB.resolve("vendor/LICENSE-htm.txt")).exists();
        assertThat(WEB.resolve("vendor/LICENSE-preact.txt")).exists();
    }
}
