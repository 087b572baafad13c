package io.scenariobuilder.server.security;

import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import org.junit.jupiter.api.Test;

/** A host the connection's {@code allowedHosts} does not list gets nothing; patterns are checked when saved. */
class ForbiddenHostAttackTest extends CredentialAttackBase {

    @Test
    void aHostTheConnectionDoesNotAllowGetsNothing() {
        adminStores("[\"api.billing.example\"]");
        Response run = editorRuns(attacker.url("/collect"));
        assertThat(run.body().at("/nodes/0/error/type").asText()).isEqualTo("forbidden_host");
        assertThat(attacker.requests).isEmpty();
    }

    @Test
    void badHostPatternsAreRefusedWhenTheConnectionIsSaved() {
        for (String bad : new String[] {"[\"https://a.example/x\"]", "[\"user@a.example\"]", "[\"a.example:0\"]", "\"a.example\"", "[\"\"]"}) {
            Response refused = h.post("/api/v1/connections", json("""
                    {"integrationId": "http", "credentials": {"token": "t"}, "allowedHosts": %s}""".formatted(bad)));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body().at("/error/message").asText()).as(bad).contains("allowedHosts");
        }
    }
}
