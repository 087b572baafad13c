package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.metrics.PrometheusText;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code SB_METRICS_AUTH=true}: the Prometheus scrape needs a viewer key. (This was a nested class of MetricsApiTest,
 * which Maven's test runner skips: it never ran.)
 */
class MetricsAuthTest extends ServerTestBase {

    @Override
    Map<String, String> settings() {
        return Map.of("SB_METRICS_AUTH", "true");
    }

    @Test
    void withMetricsAuthTheScrapeNeedsAViewerKey() {
        Response refused = h.call(HttpMethod.GET, "/metrics", null, null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("unauthorized");
        assertThat(h.call(HttpMethod.GET, "/metrics", null, "sb_wrong_key_0123456789abcdef").status()).isEqualTo(401);
        String viewer = h.post("/api/v1/keys", json("{\"name\": \"scraper\", \"role\": \"viewer\"}")).body().get("key").asText();
        Response scrape = h.call(HttpMethod.GET, "/metrics", null, viewer);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(PrometheusText.parse(scrape.text())).containsKey("sb_executions_active");
    }
}
