package io.scenariobuilder.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void urlUserInfoIsMaskedWhereverAUrlIsEchoed() {
        assertThat(Redactor.redact("GET https://ada:hunter2@shop.test/orders failed"))
                .isEqualTo("GET https://****@shop.test/orders failed");
        assertThat(Redactor.redact("postgres://sb:pw@db:5432/sb and http://plain.test/x"))
                .isEqualTo("postgres://****@db:5432/sb and http://plain.test/x");
    }

    @Test
    void namedSecretValuesAreMasked() {
        assertThat(Redactor.redact("Authorization: Bearer abc.def.ghi")).isEqualTo("Authorization: Bearer ****");
        assertThat(Redactor.redact("authorization=Basic dXNlcjpwYXNz; next")).isEqualTo("authorization=Basic ****; next");
        assertThat(Redactor.redact("X-API-Key: k-123 sent")).isEqualTo("X-API-Key: **** sent");
        assertThat(Redactor.redact("{\"access_token\": \"t0k3n\", \"n\": 1}")).isEqualTo("{\"access_token\": \"****\", \"n\": 1}");
        assertThat(Redactor.redact("?api_key=abc&page=2")).isEqualTo("?api_key=****&page=2");
        assertThat(Redactor.redact("Cookie: sid=xyz")).isEqualTo("Cookie: ****");
        assertThat(Redactor.redact("password=letmein")).isEqualTo("password=****");
        assertThat(Redactor.redact("X-Session-Key: s1")).isEqualTo("X-Session-Key: ****");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "attempt 1/3 failed (rate_limited: tokens exhausted); retrying in 200 ms; monkey=5; idempotencyKey e1:n";
        assertThat(Redactor.redact(text)).isEqualTo(text);
        assertThat(Redactor.redact(null)).isNull();
        assertThat(Redactor.redact("")).isEmpty();
    }

    @Test
    void knownSecretsAreMaskedAsWrittenAndUrlEncoded() {
        assertThat(Redactor.redact("echo: s3cr3t/+x and s3cr3t%2F%2Bx", List.of("s3cr3t/+x")))
                .isEqualTo("echo: **** and ****");
        assertThat(Redactor.redact("ab abc", List.of("abc", "ab"))).isEqualTo("**** ****");
    }
}
