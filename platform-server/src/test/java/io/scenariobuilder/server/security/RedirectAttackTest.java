package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness.Response;
import org.junit.jupiter.api.Test;

/** The allowed host redirects to another one: the redirect is followed without the credentials. */
class RedirectAttackTest extends CredentialAttackBase {

    @Test
    void anAllowedHostGetsTheTokenButARedirectElsewhereDropsIt() {
        adminStores("[\"127.0.0.1\"]");
        Response direct = editorRuns(service.url("/orders"));
        assertThat(direct.body().get("status").asText()).as(direct.text()).isEqualTo("completed");
        assertThat(service.requests.get(0).get("Authorization")).isEqualTo("Bearer " + TOKEN);

        Response redirected = editorRuns(service.url("/moved"));
        assertThat(redirected.body().get("status").asText()).as(redirected.text()).isEqualTo("completed");
        assertThat(attacker.requests).as("the redirect was followed").hasSize(1);
        assertThat(attacker.requests.get(0)).doesNotContainKey("Authorization");
        assertThat(tokenArrivedAtTheAttacker()).isFalse();
    }
}
