package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** 10,000 made-up keys: the store is asked about only the first few, and the right key goes on working. */
class BadKeyFloodAttackTest extends UnauthenticatedAttackBase {

    @Test
    void aFloodOfMadeUpKeysCostsTheStoreAtMostTheLimitAndTheRightKeyStillWorks() {
        // The right key is in use before the flood (a key known to be good works even from an address that guesses);
        // its first use racing the flood's first 30 failures was a race of this test, not a case of the product.
        assertThat(h.get("/api/v1/scenarios").status()).isEqualTo(200);
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

        // The live streams hold to the same rule: from the limited address a made-up key is refused before any look-up,
        // and the key known to be good still opens a stream.
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String streams = "ws://127.0.0.1:" + h.server.port() + "/api/v1/events/stream?token=";
        java.util.concurrent.CompletableFuture<java.net.http.WebSocket> guessed = client.newWebSocketBuilder()
                .buildAsync(java.net.URI.create(streams + "sb_yet_another_wrong_key_0000000000"), new java.net.http.WebSocket.Listener() { });
        assertThat(guessed).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(429));
        java.net.http.WebSocket opened = client.newWebSocketBuilder()
                .buildAsync(java.net.URI.create(streams + ServerHarness.ADMIN_KEY), new java.net.http.WebSocket.Listener() { })
                .join();
        opened.abort();
    }
}
