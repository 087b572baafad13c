package io.scenariobuilder.server.ws;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The live log and event streams over real WebSockets on 127.0.0.1, asserted with VertxTestContext checkpoints. */
@ExtendWith(VertxExtension.class)
class StreamsTest {

    private static final String PIPELINE = """
            {"id": "pipe", "nodes": [
              {"id": "a", "integrationId": "core", "actionId": "log", "configuration": {"message": "hello {{ input.n }}"}},
              {"id": "b", "integrationId": "core", "actionId": "noop"}],
             "connections": [{"fromNodeId": "a", "toNodeId": "b"}]}""";

    @TempDir
    Path dir;

    private ServerHarness h;
    private WebSocketClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        h = new ServerHarness(dir, Map.of());
        client = vertx.createWebSocketClient();
        assertThat(h.post("/api/v1/scenarios", json(PIPELINE)).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        client.close();
        h.close();
    }

    /** Starts an execution off the event loop (the harness's client waits); a failure fails the test with its cause. */
    private void startLater(VertxTestContext test, String trigger) {
        Thread.ofVirtual().start(() -> {
            try {
                var started = h.post("/api/v1/scenarios/pipe/executions", json(trigger));
                if (started.status() != 202) {
                    test.failNow(new AssertionError("the start answered " + started.status() + ": " + started.text()));
                }
            } catch (Throwable e) {
                test.failNow(e);
            }
        });
    }

    private WebSocketConnectOptions options(String uri) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.server.port()).setURI(uri);
    }

    @Test
    void theEventsStreamSendsEveryStateChangeOfAnExecutionInOrder(VertxTestContext test) {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        Checkpoint ended = test.checkpoint();
        client.connect(options("/api/v1/events/stream?scenarioId=pipe&replay=0&token=" + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> {
                    socket.textMessageHandler(text -> {
                        JsonNode event = json(text);
                        events.add(event);
                        if (event.get("type").asText().equals("execution") && event.get("status").asText().equals("completed")) {
                            test.verify(() -> {
                                assertThat(events).extracting(e -> e.get("type").asText() + ":" + e.path("nodeId").asText("")
                                        + ":" + e.get("status").asText())
                                        .containsExactly("execution::queued", "execution::running", "node:a:running", "node:a:completed",
                                                "node:b:running", "node:b:completed", "execution::completed");
                                assertThat(events).allSatisfy(e -> {
                                    assertThat(e.get("scenarioId").asText()).isEqualTo("pipe");
                                    assertThat(e.get("timestamp").asText()).endsWith("Z");
                                });
                            });
                            ended.flag();
                        }
                    });
                    // Start the execution once connected (off the event loop: the harness's client waits).
                    startLater(test, "{\"n\": 1}");
                }));
    }

    @Test
    void theLogStreamReplaysRecentLinesThenGoesOnLiveInTheSpecsShape(VertxTestContext test) throws Exception {
        String first = h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 1}")).body().get("id").asText();
        Checkpoint replayed = test.checkpoint();
        Checkpoint live = test.checkpoint();
        List<JsonNode> lines = new CopyOnWriteArrayList<>();
        client.connect(options("/api/v1/logs/stream?category=integration&token=" + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> socket.textMessageHandler(text -> {
                    JsonNode line = json(text);
                    lines.add(line);
                    String message = line.get("message").asText();
                    if (message.equals("hello 1")) {
                        test.verify(() -> {
                            assertThat(line.get("level").asText()).isEqualTo("info");
                            assertThat(line.get("category").asText()).isEqualTo("integration");
                            assertThat(line.at("/context/executionId").asText()).isEqualTo(first);
                            assertThat(line.at("/context/scenarioId").asText()).isEqualTo("pipe");
                            assertThat(line.at("/context/nodeId").asText()).isEqualTo("a");
                            assertThat(line.get("traceId").asText()).matches("[0-9a-f]{32}");
                            assertThat(line.get("spanId").asText()).matches("[0-9a-f]{16}");
                        });
                        replayed.flag();
                        startLater(test, "{\"n\": 2}");
                    } else if (message.equals("hello 2")) {
                        test.verify(() -> assertThat(lines).extracting(l -> l.get("category").asText()).containsOnly("integration"));
                        live.flag();
                    }
                })));
    }

    @Test
    void everyClientThatConnectsRightAwayGetsItsReplay(VertxTestContext test) throws Exception {
        // Forty clients connecting at once, each with its replay written the moment its socket is handed over.
        h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 3}"));
        int clients = 40;
        Checkpoint replayed = test.checkpoint(clients);
        for (int i = 0; i < clients; i++) {
            client.connect(options("/api/v1/logs/stream?category=integration&replay=5&token=" + ADMIN_KEY))
                    .onComplete(test.succeeding(socket -> socket.textMessageHandler(text -> {
                        if (json(text).get("message").asText().equals("hello 3")) {
                            replayed.flag();
                        }
                    })));
        }
    }

    @Test
    void filtersNarrowByExecutionAndMinimumLevel(VertxTestContext test) throws Exception {
        h.post("/api/v1/scenarios", json("""
                {"id": "flaky", "nodes": [{"id": "f", "integrationId": "core", "actionId": "fail",
                  "configuration": {"errorType": "network_error", "message": "down", "failTimes": 1},
                  "retryPolicy": {"maxAttempts": 2, "baseDelayMs": 1, "jitter": false}}]}"""));
        String id = h.post("/api/v1/scenarios/flaky/executions?wait=true", json("{}")).body().get("id").asText();
        h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 8}"));
        JsonNode stored = h.get("/api/v1/executions/" + id + "/logs").body().get("items");
        List<String> warnOrWorse = new java.util.ArrayList<>();
        stored.forEach(line -> {
            if (!List.of("debug", "info").contains(line.get("level").asText())) {
                warnOrWorse.add(line.get("message").asText());
            }
        });
        assertThat(warnOrWorse).as("the retry's warning").isNotEmpty().hasSizeLessThan(stored.size());

        Checkpoint all = test.checkpoint();
        List<JsonNode> lines = new CopyOnWriteArrayList<>();
        client.connect(options("/api/v1/logs/stream?executionId=" + id + "&level=warn&replay=1000&token=" + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> socket.textMessageHandler(text -> {
                    lines.add(json(text));
                    if (lines.size() == warnOrWorse.size()) {
                        test.verify(() -> {
                            assertThat(lines).allSatisfy(l -> assertThat(l.at("/context/executionId").asText()).isEqualTo(id));
                            assertThat(lines).extracting(l -> l.get("message").asText()).containsExactlyElementsOf(warnOrWorse);
                        });
                        all.flag();
                    }
                })));
    }

    @Test
    void aKeyInTheUrlOrSubprotocolWorksOnTheStreamsOnly(VertxTestContext test) throws Exception {
        String viewer = h.post("/api/v1/keys", json("{\"name\": \"wall\", \"role\": \"viewer\"}")).body().get("key").asText();
        assertThat(h.call(HttpMethod.GET, "/api/v1/scenarios?token=" + viewer, null, null).status())
                .as("a key in the URL of an ordinary route").isEqualTo(401);
        Checkpoint subprotocol = test.checkpoint();
        Checkpoint noKey = test.checkpoint();
        Checkpoint wrongKey = test.checkpoint();
        client.connect(options("/api/v1/events/stream").addSubProtocol("bearer." + viewer))
                .onComplete(test.succeeding(socket -> {
                    test.verify(() -> assertThat(socket.subProtocol()).isEqualTo("bearer." + viewer));
                    subprotocol.flag();
                }));
        client.connect(options("/api/v1/logs/stream")).onComplete(test.failing(failure -> {
            test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(401));
            noKey.flag();
        }));
        client.connect(options("/api/v1/logs/stream?token=sb_wrong_0123456789abcdefghijk")).onComplete(test.failing(failure -> {
            test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(401));
            wrongKey.flag();
        }));
    }

    @Test
    void badFiltersAreRefusedBeforeTheUpgrade(VertxTestContext test) {
        assertThat(h.call(HttpMethod.GET, "/api/v1/logs/stream?level=loud", null, ADMIN_KEY).body().at("/error/message").asText())
                .contains("level must be one of [debug, info, warn, error, critical], got 'loud'");
        assertThat(h.call(HttpMethod.GET, "/api/v1/logs/stream", null, ADMIN_KEY).body().at("/error/message").asText())
                .contains("is a WebSocket");
        Checkpoint refused = test.checkpoint(3);
        for (String uri : List.of("/api/v1/logs/stream?category=gossip", "/api/v1/events/stream?type=planet",
                "/api/v1/logs/stream?replay=100000")) {
            client.connect(options(uri + "&token=" + ADMIN_KEY)).onComplete(test.failing(failure -> {
                test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(400));
                refused.flag();
            }));
        }
    }

    @Test
    void aStreamThatDoesNotExistOrAReplayThatIsNotANumberIsRefused(VertxTestContext test) {
        assertThat(h.call(HttpMethod.GET, "/api/v1/events/stream?replay=soon", null, ADMIN_KEY).body().at("/error/message").asText())
                .isEqualTo("replay must be a whole number, got 'soon'");
        Checkpoint unknown = test.checkpoint();
        Checkpoint notANumber = test.checkpoint();
        client.connect(options("/api/v1/gossip/stream?token=" + ADMIN_KEY)).onComplete(test.failing(failure -> {
            test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(404));
            unknown.flag();
        }));
        client.connect(options("/api/v1/events/stream?replay=soon&token=" + ADMIN_KEY)).onComplete(test.failing(failure -> {
            test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(400));
            notANumber.flag();
        }));
    }

    @Test
    void theEventsStreamNarrowedToNodeEventsOfOneExecutionSendsOnlyThose(VertxTestContext test) throws Exception {
        String done = h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 1}")).body().get("id").asText();
        h.post("/api/v1/scenarios/pipe/executions?wait=true", json("{\"n\": 2}"));
        Checkpoint received = test.checkpoint();
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        client.connect(options("/api/v1/events/stream?type=node&executionId=" + done + "&replay=100&token=" + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> socket.textMessageHandler(text -> {
                    events.add(json(text));
                    if (events.size() == 4) {
                        test.verify(() -> assertThat(events).allSatisfy(e -> {
                            assertThat(e.get("type").asText()).isEqualTo("node");
                            assertThat(e.get("executionId").asText()).isEqualTo(done);
                        }));
                        received.flag();
                    }
                })));
    }

    @Test
    void aLogLineLongerThanSixtyFourKilobytesArrivesWholeInOneMessage(Vertx vertx, VertxTestContext test) throws Exception {
        // Past 65,535 bytes a WebSocket frame gives its length in 8 bytes: the hub writes those frames itself.
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "chatty", "nodes": [{"id": "say", "integrationId": "core", "actionId": "log",
                  "configuration": {"message": "{{ $pad('', 70000, 'x') }}"}}]}""")).status()).isEqualTo(201);
        String id = h.post("/api/v1/scenarios/chatty/executions?wait=true", json("{}")).body().get("id").asText();
        Checkpoint whole = test.checkpoint();
        WebSocketClient large = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
                .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
        large.connect(options("/api/v1/logs/stream?category=integration&executionId=" + id + "&token=" + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> socket.textMessageHandler(text -> {
                    JsonNode line = json(text);
                    test.verify(() -> assertThat(line.get("message").asText()).hasSize(70_000).matches("x+"));
                    whole.flag();
                })));
    }

    @Test
    void theKeyIsFoundAmongSeveralSubprotocolsAndAnEmptyOneIsNoKey(VertxTestContext test) {
        Checkpoint among = test.checkpoint();
        Checkpoint empty = test.checkpoint();
        client.connect(options("/api/v1/events/stream").addSubProtocol("json").addSubProtocol("bearer." + ADMIN_KEY))
                .onComplete(test.succeeding(socket -> {
                    test.verify(() -> assertThat(socket.subProtocol()).as("one of those offered").isIn("json", "bearer." + ADMIN_KEY));
                    among.flag();
                }));
        client.connect(options("/api/v1/events/stream").addSubProtocol("bearer.")).onComplete(test.failing(failure -> {
            test.verify(() -> assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(401));
            empty.flag();
        }));
    }
}
