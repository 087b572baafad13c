package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A signed call sent twice: the second is a replay and is refused. */
class WebhookReplayAttackTest extends WebhookAttackBase {

    @Test
    void aSignedCallRunsOnceAndItsReplayIsRefused() {
        String body = "{\"amount\": 100}";
        String signed = signature(Instant.now().getEpochSecond(), body);
        assertThat(send(body, signed).status()).isEqualTo(202);
        Response replay = send(body, signed);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.body().at("/error/message").asText()).contains("replay");
        assertThat(h.get("/api/v1/executions?scenarioId=pay").body().get("items")).hasSize(1);
    }
}
