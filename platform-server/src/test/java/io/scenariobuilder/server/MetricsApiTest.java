package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.metrics.PrometheusText;
import io.scenariobuilder.server.metrics.PrometheusText.Family;
import io.scenariobuilder.server.metrics.PrometheusText.Sample;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code /metrics} (Prometheus text, checked by a strict reader and by promtool when it is installed) and the JSON API. */
class MetricsApiTest extends ServerTestBase {

    private static final String FLAKY = """
            {"id": "flaky", "nodes": [
              {"id": "a", "integrationId": "core", "actionId": "fail",
               "configuration": {"errorType": "network_error", "message": "down", "failTimes": 1},
               "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}},
              {"id": "b", "integrationId": "core", "actionId": "noop"}],
             "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""";

    @Test
    void prometheusTextHasTypedFamiliesWithLabelsNotIdsInNames() throws Exception {
        assertThat(h.post("/api/v1/scenarios", json(FLAKY)).status()).isEqualTo(201);
        Response run = h.post("/api/v1/scenarios/flaky/executions?wait=true", json("{}"));
        assertThat(run.body().get("status").asText()).isEqualTo("completed");
        h.get("/api/v1/executions/" + run.body().get("id").asText());

        Response scrape = h.call(HttpMethod.GET, "/metrics", null, null);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
        Map<String, Family> families = PrometheusText.parse(scrape.text());

        assertThat(families.keySet()).allSatisfy(name -> assertThat(name).doesNotContain("flaky", "core", "network"));
        Family executions = families.get("sb_execution_duration_seconds");
        assertThat(executions.type()).isEqualTo("summary");
        assertThat(executions.help()).contains("scenario and final status");
        assertThat(executions.samples()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("sb_execution_duration_seconds_count");
            assertThat(s.labels()).containsEntry("scenario", "flaky").containsEntry("status", "completed");
            assertThat(s.value()).isEqualTo(1.0);
        });
        assertThat(executions.samples()).anySatisfy(s -> {
            assertThat(s.label("quantile")).isEqualTo("0.99");
            assertThat(s.value()).isPositive().isLessThan(10.0); // seconds
        });
        Family nodes = families.get("sb_node_duration_seconds");
        assertThat(nodes.type()).isEqualTo("summary");
        assertThat(count(nodes, Map.of("scenario", "flaky", "integration", "core", "action", "fail", "status", "failed",
                "error_type", "network_error"))).isEqualTo(1.0);
        assertThat(count(nodes, Map.of("scenario", "flaky", "integration", "core", "action", "fail", "status", "completed"))).isEqualTo(1.0);

        // The 0.0.4 text format names a counter's family with its _total.
        assertThat(families.get("sb_node_failures_total").type()).isEqualTo("counter");
        assertThat(families.get("sb_node_failures_total").samples()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("sb_node_failures_total");
            assertThat(s.labels()).containsEntry("integration", "core").containsEntry("action", "fail")
                    .containsEntry("error_type", "network_error");
        });
        assertThat(families.get("sb_node_retries_scheduled_total").samples()).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(families.get("sb_executions_started_total").type()).isEqualTo("counter");
        assertThat(families.get("sb_executions_finished_total").samples()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("sb_executions_finished_total");
            assertThat(s.labels()).containsEntry("status", "completed");
        });
        assertThat(families.get("sb_executions_active").type()).isEqualTo("gauge");
        assertThat(families.get("sb_executions_active").samples()).extracting(s -> s.label("state"))
                .containsExactlyInAnyOrder("queued", "running", "paused", "waiting_retry");

        assertThat(families.get("sb_store_commit_duration_seconds").type()).isEqualTo("summary");
        assertThat(families.get("sb_store_commit_batch_size").type()).isEqualTo("summary");
        assertThat(families.get("sb_store_queue_depth").type()).isEqualTo("gauge");
        assertThat(families.get("sb_plugins_installed").samples().get(0).value()).isGreaterThanOrEqualTo(1.0);
        assertThat(families.get("sb_plugin_loaded").samples()).anySatisfy(s ->
                assertThat(s.labels()).containsKeys("plugin", "version"));

        Family http = families.get("sb_http_request_duration_seconds");
        assertThat(http.samples()).anySatisfy(s -> assertThat(s.labels()).containsEntry("route", "/api/v1/executions/:id")
                .containsEntry("method", "GET").containsEntry("status_class", "2xx"));
        assertThat(http.samples()).noneSatisfy(s -> assertThat(s.label("route")).contains(run.body().get("id").asText()));

        assertThat(families.get("jvm_memory_used_bytes").samples()).extracting(s -> s.label("area")).contains("heap", "non-heap");
        assertThat(families.get("jvm_gc_collections").samples()).isNotEmpty().allSatisfy(s -> assertThat(s.labels()).containsKey("gc"));
        assertThat(families.get("jvm_threads_state").samples()).extracting(s -> s.label("state")).contains("runnable", "daemon");
        assertThat(families.get("jvm_threads_live").samples().get(0).value()).isPositive();

        promtoolAccepts(scrape.text());
    }

    @Test
    void unknownPathsAreOneSeriesNotOnePerPath() {
        for (int i = 0; i < 5; i++) {
            h.get("/no/such/path/" + i);
        }
        Map<String, Family> families = PrometheusText.parse(h.call(HttpMethod.GET, "/metrics", null, null).text());
        assertThat(families.get("sb_http_request_duration_seconds").samples())
                .filteredOn(s -> s.name().endsWith("_count") && "4xx".equals(s.label("status_class")))
                .singleElement().satisfies(s -> {
                    assertThat(s.label("route")).isEqualTo("unmatched");
                    assertThat(s.value()).isEqualTo(5.0);
                });
    }

    @Test
    void theJsonReportHasRatesPercentilesErrorsAndATimeline() {
        h.post("/api/v1/scenarios", json(FLAKY));
        h.post("/api/v1/scenarios", json("""
                {"id": "ok", "nodes": [{"id": "x", "integrationId": "core", "actionId": "noop"}]}"""));
        for (int i = 0; i < 3; i++) {
            h.post("/api/v1/scenarios/ok/executions?wait=true", json("{}"));
        }
        h.post("/api/v1/scenarios/flaky/executions?wait=true", json("{}"));

        Response report = h.get("/api/v1/metrics");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body().get("window").asText()).isEqualTo("5m");
        assertThat(report.body().at("/executions/total").asLong()).isEqualTo(4);
        assertThat(report.body().at("/executions/successRate").asDouble()).isEqualTo(1.0);
        assertThat(report.body().at("/executions/duration/p99").isNumber()).isTrue();
        assertThat(report.body().at("/nodes/byStatus/failed").asLong()).isEqualTo(1);
        assertThat(report.body().at("/errors/0/type").asText()).isEqualTo("network_error");
        assertThat(report.body().get("integrations").get(0).get("integrationId").asText()).isEqualTo("core");
        assertThat(report.body().get("timeline")).hasSize(30);

        Response narrowed = h.get("/api/v1/metrics?scenarioId=ok&window=24h");
        assertThat(narrowed.body().get("window").asText()).isEqualTo("24h");
        assertThat(narrowed.body().at("/executions/total").asLong()).isEqualTo(3);
        assertThat(narrowed.body().get("errors")).isEmpty();
        assertThat(narrowed.body().get("timeline")).hasSize(24);

        Response bad = h.get("/api/v1/metrics?window=7d");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/error/message").asText()).contains("[5m, 1h, 24h]", "'7d'");
        assertThat(h.call(HttpMethod.GET, "/api/v1/metrics", null, null).status()).isEqualTo(401);
        String viewer = h.post("/api/v1/keys", json("{\"name\": \"dash\", \"role\": \"viewer\"}")).body().get("key").asText();
        assertThat(h.call(HttpMethod.GET, "/api/v1/metrics", null, viewer).status()).isEqualTo(200);
    }

    private static double count(Family family, Map<String, String> labels) {
        return family.samples().stream()
                .filter(s -> s.name().endsWith("_count") && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    /** Prometheus's own checker, when installed (CI installs it): {@code promtool check metrics} reads the exposition. */
    static void promtoolAccepts(String text) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            if (System.getenv("SB_REQUIRE_PROMTOOL") != null) {
                throw new AssertionError("SB_REQUIRE_PROMTOOL is set but /usr/bin/promtool is missing (apt-get install prometheus)");
            }
            return;
        }
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // promtool lints names too; its lint findings (not parse errors) are printed, and an unparseable text fails.
        assertThat(output).as("promtool check metrics").doesNotContain("error while linting", "text format parsing error");
        List<String> problems = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(problems).as("promtool findings").isEmpty();
    }
}
