package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ?token=} is taken only on the two WebSocket routes: keys stay out of access logs and history. */
class TokenOnPlainRouteAttackTest extends UnauthenticatedAttackBase {

    @Test
    void aKeyInTheQueryStringIsIgnoredOutsideTheTwoStreams() {
        Response answer = h.call(HttpMethod.GET, "/api/v1/scenarios?token=" + ServerHarness.ADMIN_KEY, null, null);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(h.call(HttpMethod.GET, "/api/v1/executions?token=" + ServerHarness.ADMIN_KEY, null, null).status()).isEqualTo(401);
        Response noScheme = h.call(HttpMethod.GET, "/api/v1/scenarios", null, null, Map.of("Authorization", ServerHarness.ADMIN_KEY));
        assertThat(noScheme.body().at("/error/message").asText()).contains("no 'Bearer ' scheme", "Bearer <key>")
                .doesNotContain(ServerHarness.ADMIN_KEY);
        // The help survives the answers' redaction (it names the header without quoting a value).
        assertThat(answer.body().at("/error/message").asText()).contains("Authorization header, as Bearer <key>");
    }
}
