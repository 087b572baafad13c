package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks by someone without a key: a 10 MB upload, a flood of made-up keys, a key in the query string, and requests
 * too big for the HTTP decoder.
 */
class UnauthenticatedRequestAttackTest {

    @TempDir
    Path dir;

    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir, Map.of("SB_MAX_BODY_BYTES", String.valueOf(20 * 1024 * 1024)));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** Sends only the head of a 10 MB upload with a wrong key: the answer must come without the body being sent. */
    @Test
    void anUnauthenticatedTenMegabyteUploadIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/plugins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sb_not_a_key_0000000000000000\r\n"
                    + "Content-Type: application/java-archive\r\nContent-Length: " + (10 * 1024 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]); // a first part of the body; the rest never comes
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 401");
        }
        try (var uploads = Files.list(dir.resolve("data").resolve("uploads"))) {
            assertThat(uploads).as("nothing of the body was kept").isEmpty();
        }
    }

    @Test
    void aFloodOfMadeUpKeysCostsTheStoreAtMostTheLimitAndTheRightKeyStillWorks() {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Integer>> calls = IntStream.range(0, 10_000).mapToObj(i -> CompletableFuture.supplyAsync(
                    () -> h.call(HttpMethod.GET, "/api/v1/scenarios", null, "sb_" + UUID.randomUUID()).status(), pool)).toList();
            // Executions go on meanwhile, with the right key, from the same address.
            h.post("/api/v1/scenarios", ServerHarness.json("""
                    {"id": "steady", "nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}]}"""));
            for (int i = 0; i < 50; i++) {
                Response run = h.post("/api/v1/scenarios/steady/executions?wait=true", ServerHarness.json("{}"));
                assertThat(run.body().get("status").asText()).isEqualTo("completed");
            }
            long refused = calls.stream().map(CompletableFuture::join).filter(status -> status == 429).count();
            long unauthorized = calls.stream().map(CompletableFuture::join).filter(status -> status == 401).count();
            assertThat(refused + unauthorized).isEqualTo(10_000);
            assertThat(unauthorized).as("wrong keys looked up before the address is limited").isLessThanOrEqualTo(30 + 16);
            assertThat(h.server.auth().storeLookups()).as("store round trips for 10,000 wrong keys").isLessThanOrEqualTo(30 + 16 + 2);
        } finally {
            pool.shutdownNow();
        }
        Response limited = h.call(HttpMethod.GET, "/api/v1/scenarios", null, "sb_another_wrong_key_000000000000");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.error()).isEqualTo("rate_limited");
        assertThat(limited.headers().get("Retry-After")).isEqualTo("60");
    }

    @Test
    void aKeyInTheQueryStringIsIgnoredOutsideTheTwoStreams() {
        Response answer = h.call(HttpMethod.GET, "/api/v1/scenarios?token=" + ServerHarness.ADMIN_KEY, null, null);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(h.call(HttpMethod.GET, "/api/v1/executions?token=" + ServerHarness.ADMIN_KEY, null, null).status()).isEqualTo(401);
        Response noScheme = h.call(HttpMethod.GET, "/api/v1/scenarios", null, null, Map.of("Authorization", ServerHarness.ADMIN_KEY));
        assertThat(noScheme.body().at("/error/message").asText()).contains("no 'Bearer ' scheme");
    }

    @Test
    void tooLongUrlsAndHeadersGetTheJsonErrorBody() throws Exception {
        for (String request : List.of(
                "GET /api/v1/scenarios?" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/v1/scenarios HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n")) {
            try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).matches("(?s)HTTP/1\\.[01] " + (request.contains("X-Big") ? "431" : "414") + ".*");
                assertThat(answer).contains("application/json").contains("{\"error\":{\"code\":\"bad_request\"");
            }
        }
    }
}
