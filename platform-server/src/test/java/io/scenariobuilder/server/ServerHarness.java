package io.scenariobuilder.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.server.config.ServerConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A real server on 127.0.0.1 (any free port) over SQLite in a temporary folder, with the core plugin, and a Vert.x
 * WebClient to call it. Its event loops warn after 200 ms of blocking; {@link #blockedThreadWarnings} collects them.
 */
public final class ServerHarness implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ADMIN_KEY = "sb_test_admin_key_0123456789abcdef";
    static final Path PLUGINS = Path.of("target", "test-plugins");

    public record Response(int status, JsonNode body, MultiMap headers, String text) {
        public String error() {
            return body.path("error").path("code").asText(null);
        }
    }

    public final Path dir;
    public ScenarioBuilderServer server;
    private final io.vertx.core.Vertx clientVertx = io.vertx.core.Vertx.vertx();
    private final WebClient client;
    private final ListAppender<ILoggingEvent> blocked = new ListAppender<>();
    private final Map<String, String> settings = new HashMap<>();

    public ServerHarness(Path dir, Map<String, String> extra) throws Exception {
        this.dir = dir;
        settings.put("SB_PORT", "0");
        settings.put("SB_DATA_DIR", dir.resolve("data").toString());
        settings.put("SB_PLUGINS_DIR", dir.resolve("plugins").toString());
        settings.put("SB_ADMIN_KEY", ADMIN_KEY);
        settings.put("SB_IMPORT_EXAMPLES", "false");
        settings.put("SB_MAX_BODY_BYTES", String.valueOf(256 * 1024));
        settings.putAll(extra);
        blocked.start();
        ((Logger) LoggerFactory.getLogger("io.vertx.core.internal.threadchecker.BlockedThreadChecker")).addAppender(blocked);
        try {
            start();
        } catch (Exception | Error e) {
            clientVertx.close().await(10, TimeUnit.SECONDS); // a server that did not start leaves no Vert.x behind
            throw e;
        }
        client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    }

    /** (Re)starts the server on the same folder. */
    public void start() throws Exception {
        VertxOptions options = new VertxOptions()
                .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS);
        server = ScenarioBuilderServer.start(ServerConfig.load(null, settings), List.of(PLUGINS), options);
    }

    public List<ILoggingEvent> blockedThreadWarnings() {
        return blocked.list.stream().filter(e -> e.getFormattedMessage().contains("blocked")).toList();
    }

    public Response call(HttpMethod method, String path, Object body, String key) {
        return call(method, path, body, key, Map.of());
    }

    public Response call(HttpMethod method, String path, Object body, String key, Map<String, String> headers) {
        var request = client.request(method, server.port(), "127.0.0.1", path);
        if (key != null) {
            request.putHeader("Authorization", "Bearer " + key);
        }
        headers.forEach(request::putHeader);
        try {
            HttpResponse<Buffer> response;
            if (body == null) {
                response = request.send().await(30, TimeUnit.SECONDS);
            } else {
                Buffer buffer = body instanceof String text ? Buffer.buffer(text)
                        : body instanceof byte[] bytes ? Buffer.buffer(bytes)
                        : Buffer.buffer(JSON.writeValueAsBytes(body));
                if (!headers.containsKey("Content-Type")) {
                    request.putHeader("Content-Type", body instanceof byte[] ? "application/java-archive" : "application/json");
                }
                response = request.sendBuffer(buffer).await(30, TimeUnit.SECONDS);
            }
            String text = response.bodyAsString();
            JsonNode json = text == null || text.isEmpty() ? JSON.nullNode() : parseOrText(text);
            return new Response(response.statusCode(), json, response.headers(), text);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    private static JsonNode parseOrText(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    public Response get(String path) {
        return call(HttpMethod.GET, path, null, ADMIN_KEY);
    }

    public Response post(String path, Object body) {
        return call(HttpMethod.POST, path, body, ADMIN_KEY);
    }

    public Response delete(String path) {
        return call(HttpMethod.DELETE, path, null, ADMIN_KEY);
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Stops the server (gently), keeping the client's Vert.x for a restart. */
    public void stop() {
        server.close();
    }

    @Override
    public void close() {
        client.close();
        clientVertx.close();
        server.close();
        ((Logger) LoggerFactory.getLogger("io.vertx.core.internal.threadchecker.BlockedThreadChecker")).detachAppender(blocked);
        assertThat(blockedThreadWarnings()).as("event loop blocked").isEmpty();
    }
}
