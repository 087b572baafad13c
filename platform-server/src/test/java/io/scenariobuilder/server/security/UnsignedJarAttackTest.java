package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under {@code SB_PLUGIN_TRUST=signed}: an unsigned JAR, one signed by a key nobody trusts and one changed after signing
 * are refused; one signed by a trusted certificate (made at test time) installs.
 */
class UnsignedJarAttackTest extends PluginAttackBase {

    @Test
    void underSignedOnlyJarsSignedByATrustedCertificateInstall() throws Exception {
        Path keys = dir.resolve("keys");
        Files.createDirectories(keys);
        Path signing = keys.resolve("signing.p12");
        Path other = keys.resolve("other.p12");
        Path trust = keys.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "acme", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Acme Plugins",
                "-validity", "2", "-keystore", signing.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "mallory", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Mallory",
                "-validity", "2", "-keystore", other.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        Path certificate = keys.resolve("acme.cer");
        keytool("-exportcert", "-alias", "acme", "-keystore", signing.toString(), "-storepass", "changeit", "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "acme", "-file", certificate.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        Path signed = withEntry("signed.jar", null, null, 0);
        jarsigner("-keystore", signing.toString(), "-storepass", "changeit", signed.toString(), "acme");
        Path signedByOther = withEntry("mallory.jar", null, null, 0);
        jarsigner("-keystore", other.toString(), "-storepass", "changeit", signedByOther.toString(), "mallory");
        Path tampered = dir.resolve("tampered.jar");
        Files.copy(signed, tampered);
        tamper(tampered);

        try (ServerHarness h = new ServerHarness(dir.resolve("server"), Map.of("SB_PLUGIN_TRUST", "signed",
                "SB_PLUGIN_TRUSTSTORE", trust.toString(), "SB_PLUGIN_TRUSTSTORE_PASSWORD", "changeit"))) {
            assertThat(h.get("/api/v1/plugins").body().get("items").findValuesAsText("id"))
                    .as("the built-in plugins, shipped with the server, need no signature").containsExactly("core");
            refused(h, HTTP_JAR, "not signed by a trusted certificate");
            refused(h, signedByOther, "not signed by a trusted certificate");
            refused(h, tampered, "signature does not match");
            Response installed = h.post("/api/v1/plugins", Files.readAllBytes(signed));
            assertThat(installed.status()).as(installed.text()).isEqualTo(201);
        }
    }
}
