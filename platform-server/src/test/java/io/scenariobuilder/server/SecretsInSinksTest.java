package io.scenariobuilder.server;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.scenariobuilder.server.ServerHarness.Response;
import io.scenariobuilder.server.config.LogSettings;
import io.scenariobuilder.server.logging.ServerLogConfigurator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A connection's secret never reaches a sink: an execution uses it against a service that echoes it back in its error
 * page (and in a redirect URL's user-info), at debug level; then the console, the JSON log file, the stored log, both
 * live streams, the metrics and every answer are searched for it.
 */
class SecretsInSinksTest {

    @TempDir
    Path dir;

    private final String token = "tok-" + System.nanoTime() + "-very-secret";
    private final Vertx upstreamVertx = Vertx.vertx();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream realErr;
    private HttpServer upstream;
    private ServerHarness h;
    private Path logFile;

    @BeforeEach
    void start() throws Exception {
        upstream = upstreamVertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(500)
                .putHeader("Content-Type", "text/plain")
                .end("denied: you sent " + request.getHeader("Authorization") + " and token=" + token
                        + " see https://ada:" + token + "@upstream.test/help"))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        realErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        logFile = dir.resolve("logs").resolve("sb.json");
        ServerLogConfigurator.apply((LoggerContext) LoggerFactory.getILoggerFactory(),
                LogSettings.from(Map.of("SB_LOG_FILE", logFile.toString(), "SB_LOG_LEVEL", "debug")), Level.DEBUG);
        h = new ServerHarness(dir.resolve("server"), Map.of());
    }

    @AfterEach
    void stop() {
        h.close();
        upstreamVertx.close().await();
        System.setErr(realErr);
        ServerLogConfigurator.apply((LoggerContext) LoggerFactory.getILoggerFactory(), LogSettings.from(System.getenv()), Level.WARN);
    }

    @Test
    void theSecretIsInNoLogNoStreamAndNoAnswer() throws Exception {
        List<Response> answers = new ArrayList<>();
        answers.add(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-http.jar"))));
        answers.add(h.post("/api/v1/connections", json("""
                {"id": "shop", "integrationId": "http", "name": "Shop", "credentials": {"token": "%s"},
                 "allowedHosts": ["127.0.0.1"]}""".formatted(token))));
        answers.add(h.post("/api/v1/scenarios", json("""
                {"id": "leaky", "nodes": [{"id": "call", "integrationId": "http", "actionId": "request", "connectionId": "shop",
                  "configuration": {"url": "http://127.0.0.1:%d/orders"},
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}""".formatted(upstream.actualPort()))));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(200, 201));

        // Both live streams, listening from before the run.
        List<String> streamed = new CopyOnWriteArrayList<>();
        var ws = upstreamVertx.createWebSocketClient();
        for (String path : List.of("/api/v1/logs/stream", "/api/v1/events/stream")) {
            ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.server.port())
                    .setURI(path + "?replay=0&token=" + ADMIN_KEY)).await(10, TimeUnit.SECONDS).textMessageHandler(streamed::add);
        }

        Response run = h.post("/api/v1/scenarios/leaky/executions?wait=true", json("{}"));
        answers.add(run);
        assertThat(run.body().get("status").asText()).isEqualTo("failed");
        String id = run.body().get("id").asText();
        assertThat(run.body().at("/nodes/0/error/message").asText()).as("the error still says what happened")
                .contains("500", "****");
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed.stream().anyMatch(m -> m.contains("\"status\":\"failed\"")
                && m.contains("\"type\":\"execution\"")));
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed.stream().anyMatch(m -> m.contains("node failed")));

        answers.add(h.get("/api/v1/executions/" + id));
        answers.add(h.get("/api/v1/executions/" + id + "/logs"));
        answers.add(h.get("/api/v1/executions"));
        answers.add(h.get("/api/v1/connections"));
        answers.add(h.get("/api/v1/connections/shop"));
        answers.add(h.post("/api/v1/connections/shop/test", null));
        answers.add(h.get("/api/v1/metrics"));
        answers.add(h.call(HttpMethod.GET, "/metrics", null, null));

        assertThat(answers).allSatisfy(a -> assertThat(a.text()).doesNotContain(token));
        assertThat(streamed).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain(token));
        String consoleText = console.toString(StandardCharsets.UTF_8);
        assertThat(consoleText).contains("node failed").doesNotContain(token);
        String file = Files.readString(logFile);
        assertThat(file).contains("\"level\":\"error\"").doesNotContain(token);
    }
}
