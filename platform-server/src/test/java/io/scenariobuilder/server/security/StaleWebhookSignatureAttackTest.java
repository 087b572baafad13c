package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An old (or future) timestamp, a swapped timestamp and the old unsigned-time format are refused. */
class StaleWebhookSignatureAttackTest extends WebhookAttackBase {

    @Test
    void anOldOrFutureTimestampAndTheOldFormatAreRefused() {
        String body = "{\"amount\": 100}";
        Response stale = send(body, signature(Instant.now().getEpochSecond() - 301, body));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.body().at("/error/message").asText()).contains("more than 300 s");
        assertThat(send(body, signature(Instant.now().getEpochSecond() + 301, body)).status()).isEqualTo(401);
        // The signed timestamp cannot be swapped: the HMAC covers it.
        long now = Instant.now().getEpochSecond();
        String moved = signature(now - 1000, body).replace("t=" + (now - 1000), "t=" + now);
        assertThat(send(body, moved).body().at("/error/message").asText()).contains("does not match");
        Response oldFormat = send(body, "sha256=" + "0".repeat(64));
        assertThat(oldFormat.status()).isEqualTo(401);
        assertThat(oldFormat.body().at("/error/message").asText()).contains("t=<unix seconds>,v1=");
        assertThat(h.get("/api/v1/executions?scenarioId=pay").body().get("items")).isEmpty();
    }
}
