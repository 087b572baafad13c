package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A URL or headers too large for the HTTP decoder: 414 and 431 with the JSON error body. */
class OversizedRequestAttackTest extends UnauthenticatedAttackBase {

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
