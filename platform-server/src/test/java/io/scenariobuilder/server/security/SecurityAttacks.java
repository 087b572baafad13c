package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** What the attack tests share: keys of each role, plugin uploads, and a server of the attacker's own on 127.0.0.1. */
final class SecurityAttacks {

    private SecurityAttacks() {
    }

    /** A new key of {@code role}, made by the admin. */
    static String key(ServerHarness h, String role) {
        Response created = h.post("/api/v1/keys", Map.of("name", role + "-" + System.nanoTime(), "role", role));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().get("key").asText();
    }

    /** Uploads a built-in plugin JAR (from {@code target/upload-plugins}) as the admin. */
    static void upload(ServerHarness h, String jar) throws Exception {
        Response installed = h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins", jar)));
        assertThat(installed.status()).as(installed.text()).isEqualTo(201);
    }

    /** A server on 127.0.0.1 that records every request it gets (its headers) and answers with {@code answer}. */
    static final class Upstream implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        final HttpServer server;

        Upstream(Consumer<HttpServerRequest> answer) throws Exception {
            server = vertx.createHttpServer().requestHandler(request -> {
                Map<String, String> seen = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                request.headers().forEach(h -> seen.put(h.getKey(), h.getValue()));
                seen.put(":path", request.uri());
                requests.add(seen);
                answer.accept(request);
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        @Override
        public void close() {
            vertx.close().await();
        }
    }
}
