package io.scenariobuilder.plugins.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.testkit.ActionTester;
import io.scenariobuilder.testkit.ScenarioRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP action against a real HTTP server on 127.0.0.1. */
class HttpIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ActionTester http = ActionTester.of(new HttpIntegration());
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/echo", this::echo);
        server.createContext("/status/", exchange -> {
            int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
            if (status == 429) {
                exchange.getResponseHeaders().add("Retry-After", exchange.getRequestURI().getQuery() == null ? "7"
                        : ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120).format(DateTimeFormatter.RFC_1123_DATE_TIME));
            }
            send(exchange, status, "application/json", "{\"error\": \"status " + status + "\"}");
        });
        server.createContext("/text", exchange -> send(exchange, 200, "text/plain; charset=utf-8", "plain ✓"));
        server.createContext("/bytes", exchange -> send(exchange, 200, "application/octet-stream", "\u0001\u0002"));
        server.createContext("/big", exchange -> send(exchange, 200, "text/plain", "x".repeat(5_000)));
        server.createContext("/slow", exchange -> {
            try {
                slowRelease.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(exchange, 200, "application/json", "{}");
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/echo");
            send(exchange, 302, "text/plain", "");
        });
        server.createContext("/loop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop");
            send(exchange, 307, "text/plain", "");
        });
        server.createContext("/see-other", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "/echo");
            send(exchange, 303, "text/plain", "");
        });
        server.createContext("/moved-nowhere", exchange -> send(exchange, 302, "text/plain", "no Location"));
        server.createContext("/moved-to-ftp", exchange -> {
            exchange.getResponseHeaders().add("Location", "ftp://files.example.test/x");
            send(exchange, 301, "text/plain", "see ftp");
        });
        server.createContext("/moved-badly", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://exa mple.test/");
            send(exchange, 302, "text/plain", "bad Location");
        });
        server.createContext("/broken-json", exchange -> send(exchange, 200, "application/json; charset=klingon", "{\"id\": "));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.stop(0);
    }

    private void echo(HttpExchange exchange) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("method", exchange.getRequestMethod());
        out.put("query", exchange.getRequestURI().getRawQuery());
        ObjectNode headers = out.putObject("headers");
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        out.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.getResponseHeaders().add("Set-Cookie", "a=1");
        exchange.getResponseHeaders().add("Set-Cookie", "b=2");
        send(exchange, 200, "application/json; charset=utf-8", out.toString());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private JsonNode request(String configuration) throws Exception {
        return http.action("request").configuration(configuration.replace("BASE", base)).run().output();
    }

    private IntegrationException failing(String configuration) {
        return http.action("request").configuration(configuration.replace("BASE", base)).runExpectingError();
    }

    @Test
    void sendsMethodQueryAndHeadersAndParsesJsonAnswers() throws Exception {
        JsonNode out = request("""
                {"url": "BASE/echo?fixed=1", "query": {"q": "a b", "tags": ["x", "y"], "n": 3},
                 "headers": {"X-Trace": "t-1", "X-Num": 5}}""");
        assertThat(out.get("status").asInt()).isEqualTo(200);
        assertThat(out.get("headers").get("content-type").asText()).startsWith("application/json");
        assertThat(out.get("headers").get("set-cookie")).hasSize(2);
        JsonNode body = out.get("body");
        assertThat(body.get("method").asText()).isEqualTo("GET");
        assertThat(body.get("query").asText()).isEqualTo("fixed=1&q=a+b&tags=x&tags=y&n=3");
        assertThat(body.get("headers").get("x-trace").asText()).isEqualTo("t-1");
        assertThat(body.get("headers").get("x-num").asText()).isEqualTo("5");
    }

    @Test
    void sendsJsonTextAndFormBodies() throws Exception {
        JsonNode json = request("{\"method\": \"POST\", \"url\": \"BASE/echo\", \"body\": {\"id\": 7, \"tags\": [\"a\"]}}").get("body");
        assertThat(json.get("body").asText()).isEqualTo("{\"id\":7,\"tags\":[\"a\"]}");
        assertThat(json.get("headers").get("content-type").asText()).isEqualTo("application/json");

        JsonNode text = request("{\"method\": \"PUT\", \"url\": \"BASE/echo\", \"bodyType\": \"text\", \"body\": \"hello\"}").get("body");
        assertThat(text.get("body").asText()).isEqualTo("hello");
        assertThat(text.get("headers").get("content-type").asText()).startsWith("text/plain");

        JsonNode form = request("""
                {"method": "PATCH", "url": "BASE/echo", "bodyType": "form", "body": {"name": "Ada L", "role": ["a", "b"]},
                 "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}""").get("body");
        assertThat(form.get("body").asText()).isEqualTo("name=Ada+L&role=a&role=b");
        assertThat(form.get("method").asText()).isEqualTo("PATCH");
        assertThatThrownBy(() -> request("{\"method\": \"POST\", \"url\": \"BASE/echo\", \"bodyType\": \"form\", \"body\": [1]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a form body must be an object");
    }

    @Test
    void authenticatesWithTheConnectionsCredentials() throws Exception {
        JsonNode bearer = http.action("request").configuration("{\"url\": \"" + base + "/echo\"}")
                .allowedHosts("127.0.0.1").credentials("{\"token\": \"t0k\"}").run().output().get("body");
        assertThat(bearer.get("headers").get("authorization").asText()).isEqualTo("Bearer t0k");
        JsonNode basic = http.action("request").configuration("{\"url\": \"" + base + "/echo\"}")
                .allowedHosts("127.0.0.1").credentials("{\"authType\": \"basic\", \"username\": \"ada\", \"password\": \"pw\"}").run().output().get("body");
        assertThat(basic.get("headers").get("authorization").asText()).isEqualTo("Basic YWRhOnB3");
        JsonNode header = http.action("request").configuration("{\"url\": \"" + base + "/echo\"}")
                .allowedHosts("127.0.0.1").credentials("{\"apiKey\": \"k1\", \"apiKeyName\": \"X-Key\"}").run().output().get("body");
        assertThat(header.get("headers").get("x-key").asText()).isEqualTo("k1");
        JsonNode query = http.action("request").configuration("{\"url\": \"" + base + "/echo\", \"query\": {\"a\": 1}}")
                .allowedHosts("127.0.0.1").credentials("{\"authType\": \"apiKeyQuery\", \"apiKey\": \"k 2\"}").run().output().get("body");
        assertThat(query.get("query").asText()).isEqualTo("a=1&api_key=k+2");

        IntegrationException missing = http.action("request").configuration("{\"url\": \"" + base + "/echo\"}")
                .allowedHosts("127.0.0.1").credentials("{\"authType\": \"bearer\"}").runExpectingError();
        assertThat(missing.getMessage()).contains("needs 'token'");
        assertThat(http.action("request").configuration("{\"url\": \"" + base + "/echo\"}")
                .allowedHosts("127.0.0.1").credentials("{\"authType\": \"kerberos\"}").runExpectingError().getMessage()).contains("unknown authType 'kerberos'");
    }

    @Test
    void credentialsGoOnlyToAllowedHostsAndWithoutThemOnlyToTheTestUrlsHost() throws Exception {
        String echo = "{\"url\": \"" + base + "/echo\"}";
        IntegrationException none = http.action("request").configuration(echo).credentials("{\"token\": \"t0k\"}").runExpectingError();
        assertThat(none.type()).isEqualTo(io.scenariobuilder.api.error.ErrorType.FORBIDDEN_HOST);
        assertThat(none.getMessage()).contains("'127.0.0.1'", "allowedHosts: none").doesNotContain("t0k");
        IntegrationException other = http.action("request").configuration(echo).allowedHosts("*.example.com", "localhost:1")
                .credentials("{\"token\": \"t0k\"}").runExpectingError();
        assertThat(other.type()).isEqualTo(io.scenariobuilder.api.error.ErrorType.FORBIDDEN_HOST);
        // Without allowedHosts, the host of the connection's own testUrl is allowed.
        JsonNode viaTestUrl = http.action("request").configuration(echo)
                .credentials("{\"token\": \"t0k\", \"testUrl\": \"" + base + "/ping\"}").run().output().get("body");
        assertThat(viaTestUrl.get("headers").get("authorization").asText()).isEqualTo("Bearer t0k");
        // A connection without secrets (authType none) goes anywhere.
        assertThat(http.action("request").configuration(echo).credentials("{\"authType\": \"none\"}").run().output()
                .get("status").asInt()).isEqualTo(200);
    }

    @Test
    void errorAnswersAreTyped() {
        IntegrationException limited = failing("{\"url\": \"BASE/status/429\"}");
        assertThat(limited.type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(limited.retryable()).isTrue();
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(limited.getMessage()).contains("answered 429").contains("status 429");
        IntegrationException limitedUntil = failing("{\"url\": \"BASE/status/429?date\"}");
        assertThat(limitedUntil.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121)));

        for (int status : new int[] {401, 403}) {
            IntegrationException auth = failing("{\"url\": \"BASE/status/" + status + "\"}");
            assertThat(auth.type()).isEqualTo(ErrorType.AUTHENTICATION_FAILED);
            assertThat(auth.retryable()).isFalse();
        }
        assertThat(failing("{\"url\": \"BASE/status/404\"}").type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
        IntegrationException server = failing("{\"url\": \"BASE/status/503\"}");
        assertThat(server.type()).isEqualTo(ErrorType.GENERIC_ERROR);
        assertThat(server.retryable()).isTrue();
        assertThat(failing("{\"url\": \"BASE/status/400\"}").type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(failing("{\"url\": \"BASE/status/408\"}").type()).isEqualTo(ErrorType.TIMEOUT);
    }

    @Test
    void withFailOnHttpErrorOffEveryAnswerIsOutput() throws Exception {
        JsonNode out = request("{\"url\": \"BASE/status/404\", \"failOnHttpError\": false}");
        assertThat(out.get("status").asInt()).isEqualTo(404);
        assertThat(out.get("body").get("error").asText()).isEqualTo("status 404");
    }

    @Test
    void timeoutsAndConnectFailuresAreTyped() throws Exception {
        IntegrationException timeout = failing("{\"url\": \"BASE/slow\", \"timeoutMs\": 100}");
        assertThat(timeout.type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(timeout.getMessage()).contains("no answer within 100 ms");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        IntegrationException refused = http.action("request")
                .configuration("{\"url\": \"http://127.0.0.1:" + closedPort + "/x?api_key=secret\"}").runExpectingError();
        assertThat(refused.type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.getMessage()).contains("127.0.0.1:" + closedPort).doesNotContain("secret");
    }

    @Test
    void bodiesAreTextBase64OrCappedBySize() throws Exception {
        assertThat(request("{\"url\": \"BASE/text\"}").get("body").asText()).isEqualTo("plain ✓");
        JsonNode bytes = request("{\"url\": \"BASE/bytes\"}");
        assertThat(bytes.get("bodyEncoding").asText()).isEqualTo("base64");
        assertThat(bytes.get("body").asText()).isEqualTo("AQI=");
        IntegrationException big = failing("{\"url\": \"BASE/big\", \"maxResponseBytes\": 1000}");
        assertThat(big.type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(big.getMessage()).contains("larger than maxResponseBytes (1000 bytes)");
        assertThat(request("{\"url\": \"BASE/redirect\"}").get("body").get("method").asText()).isEqualTo("GET");
        assertThat(request("{\"url\": \"BASE/redirect\", \"followRedirects\": false}").get("status").asInt()).isEqualTo(302);
        assertThat(request("{\"method\": \"HEAD\", \"url\": \"BASE/echo\"}").get("status").asInt()).isEqualTo(200);
    }

    @Test
    void badUrlsAndHeadersAreInvalidInput() {
        assertThatThrownBy(() -> request("{\"url\": \"ftp://example.test/x\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url: must match");
        assertThat(failing("{\"url\": \"http://exa mple.test/\"}").type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(failing("{\"url\": \"BASE/echo\", \"headers\": {\"Host\": \"evil\"}}").getMessage()).contains("header 'Host'");
        assertThat(new HttpRequestAction().validate(JSON.createObjectNode().put("headers", "text"))).hasSize(1);
        assertThat(new HttpRequestAction().validate(JSON.createObjectNode().put("headers", "{{ trigger.headers }}"))).isEmpty();
    }

    @Test
    void redirectsAreFollowedAsBrowsersDoAndALoopStops() throws Exception {
        // 303 after a POST: the next hop is a GET without the body.
        JsonNode seeOther = request("{\"method\": \"POST\", \"url\": \"BASE/see-other\", \"body\": {\"id\": 7}}").get("body");
        assertThat(seeOther.get("method").asText()).isEqualTo("GET");
        assertThat(seeOther.get("body").asText()).isEmpty();
        // A redirect without a usable Location, or to another scheme, is itself the answer.
        assertThat(request("{\"url\": \"BASE/moved-nowhere\", \"failOnHttpError\": false}").get("status").asInt()).isEqualTo(302);
        JsonNode ftp = request("{\"url\": \"BASE/moved-to-ftp\", \"failOnHttpError\": false}");
        assertThat(ftp.get("status").asInt()).isEqualTo(301);
        assertThat(ftp.get("body").asText()).isEqualTo("see ftp");
        assertThat(request("{\"url\": \"BASE/moved-badly\", \"failOnHttpError\": false}").get("body").asText())
                .isEqualTo("bad Location");
        IntegrationException loop = failing("{\"url\": \"BASE/loop\"}");
        assertThat(loop.type()).isEqualTo(ErrorType.INVALID_INPUT);
        assertThat(loop.getMessage()).isEqualTo("more than " + io.scenariobuilder.plugins.http.HttpExchange.MAX_REDIRECTS + " redirects from http://127.0.0.1/loop");
        // Not followed when asked not to.
        assertThat(request("{\"url\": \"BASE/redirect\", \"followRedirects\": false, \"failOnHttpError\": false}")
                .get("status").asInt()).isEqualTo(302);
    }

    @Test
    void anAnswerThatIsNotTheJsonItClaimsIsHandedOverAsTextAndANullHeaderIsLeftOut() throws Exception {
        JsonNode broken = request("{\"url\": \"BASE/broken-json\"}");
        assertThat(broken.get("body").isTextual()).isTrue();
        assertThat(broken.get("body").asText()).isEqualTo("{\"id\": ");
        JsonNode echoed = request("{\"url\": \"BASE/echo\", \"headers\": {\"X-Gone\": null, \"X-Kept\": \"k\"}}").get("body");
        assertThat(echoed.get("headers").has("x-gone")).isFalse();
        assertThat(echoed.get("headers").get("x-kept").asText()).isEqualTo("k");
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
        assertThat(HttpErrors.retryAfter("30", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpErrors.retryAfter("Thu, 26 Nov 2026 12:01:00 GMT", clock)).isEqualTo(Duration.ofMinutes(1));
        assertThat(HttpErrors.retryAfter("Thu, 26 Nov 2026 11:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(HttpErrors.retryAfter("soon", clock)).isNull();
        assertThat(HttpErrors.retryAfter("-5", clock)).isNull();
    }

    @Test
    void theConnectionTestCallsTheTestUrlWithTheCredentials() throws Exception {
        var tester = new HttpIntegration().manifest().connectionType().tester();
        tester.test(JSON.readTree("{\"token\": \"t\", \"testUrl\": \"" + base + "/echo\"}"));
        assertThatThrownBy(() -> tester.test(JSON.readTree("{\"token\": \"t\", \"testUrl\": \"" + base + "/status/401\"}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.AUTHENTICATION_FAILED));
        assertThatThrownBy(() -> tester.test(JSON.readTree("{\"token\": \"t\"}"))).hasMessageContaining("set testUrl");
    }

    @Test
    void runsInAScenarioWithTemplatesAndAStoredConnection() throws Exception {
        try (ScenarioRunner runner = ScenarioRunner.withIntegrations(new HttpIntegration()).connection("api", "{\"token\": \"abc\"}")) {
            ExecutionResult result = runner.run("""
                    {"nodes": [
                      {"id": "call", "integrationId": "http", "actionId": "request", "connectionId": "api",
                       "configuration": {"method": "POST", "url": "%s/echo", "body": {"order": "{{ trigger.order }}"}}},
                      {"id": "pick", "integrationId": "core", "actionId": "transform",
                       "configuration": {"expression": "input.body.headers.authorization & ' ' & input.body.body"}}
                    ], "connections": [{"fromNodeId": "call", "toNodeId": "pick"}]}""".formatted(base), "{\"order\": 42}");
            assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
            assertThat(result.requireNode("pick").output().asText()).isEqualTo("Bearer abc {\"order\":42}");
            // A rate-limited call is retried under the action's default policy and fails typed.
            ExecutionResult limited = runner.run("""
                    {"nodes": [{"id": "call", "integrationId": "http", "actionId": "request",
                                "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false},
                                "configuration": {"url": "%s/status/503"}}]}""".formatted(base));
            assertThat(limited.requireNode("call").attempts()).isEqualTo(2);
            assertThat(limited.requireNode("call").error().type()).isEqualTo(ErrorType.GENERIC_ERROR);
        }
    }
}
