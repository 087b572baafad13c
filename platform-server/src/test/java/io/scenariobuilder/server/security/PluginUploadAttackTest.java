package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile plugin JARs: a zip bomb, an entry that climbs out of its folder, too many entries, too many bytes, and (with
 * {@code SB_PLUGIN_TRUST=signed}) an unsigned JAR and one signed by a key nobody trusts. Each is a 400 {@code
 * plugin_invalid} that leaves the installed plugins as they were.
 */
class PluginUploadAttackTest {

    @TempDir
    Path dir;

    static final Path HTTP_JAR = Path.of("target/upload-plugins/sb-plugin-http.jar");

    /** The http plugin's JAR with one more entry. */
    private Path withEntry(String name, String entryName, byte[] content, int method) throws IOException {
        Path out = dir.resolve(name);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(HTTP_JAR));
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            if (entryName != null) {
                ZipEntry extra = new ZipEntry(entryName);
                if (method == ZipEntry.STORED) {
                    extra.setMethod(ZipEntry.STORED);
                    extra.setSize(content.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(content);
                    extra.setCrc(crc.getValue());
                }
                zip.putNextEntry(extra);
                zip.write(content);
                zip.closeEntry();
            }
        }
        return out;
    }

    private static void refused(ServerHarness h, Path jar, String says) throws IOException {
        Response answer = h.post("/api/v1/plugins", Files.readAllBytes(jar));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo("plugin_invalid");
        assertThat(answer.body().at("/error/message").asText()).contains(says);
        assertThat(h.get("/api/v1/plugins").body().get("items").findValuesAsText("id")).containsExactly("core");
    }

    @Test
    void aZipBombATraversalTooManyEntriesAndTooManyBytesAreRefused() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("server"), Map.of("SB_PLUGIN_MAX_UNPACKED_BYTES", String.valueOf(4 * 1024 * 1024),
                "SB_PLUGIN_MAX_ENTRIES", "100", "SB_PLUGIN_MAX_BYTES", String.valueOf(100 * 1024)))) {
            // 32 MB of zeros compress to about 32 KB.
            refused(h, withEntry("bomb.jar", "zeros.bin", new byte[32 * 1024 * 1024], ZipEntry.DEFLATED), "zip bomb");
            refused(h, withEntry("climb.jar", "../../../../tmp/evil.sh", "#!/bin/sh".getBytes(), ZipEntry.DEFLATED), "'..'");
            refused(h, withEntry("absolute.jar", "/etc/cron.d/evil", "x".getBytes(), ZipEntry.DEFLATED), "absolute");
            Path many = dir.resolve("many.jar");
            try (OutputStream out = Files.newOutputStream(many); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (int i = 0; i < 150; i++) {
                    zip.putNextEntry(new ZipEntry("e" + i));
                    zip.closeEntry();
                }
            }
            refused(h, many, "more than 100 entries");
            byte[] noise = new byte[150 * 1024];
            ThreadLocalRandom.current().nextBytes(noise);
            refused(h, withEntry("big.jar", "noise.bin", noise, ZipEntry.STORED), "SB_PLUGIN_MAX_BYTES");
            // The plain JAR still installs: the limits refuse only what passes them.
            assertThat(h.post("/api/v1/plugins", Files.readAllBytes(HTTP_JAR)).status()).isEqualTo(201);
        }
    }

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

    /** Rewrites one class of a signed JAR with other bytes, keeping the signature files. */
    private static void tamper(Path jar) throws IOException {
        Path out = jar.resolveSibling("tampering.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            boolean done = false;
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                byte[] bytes = in.readAllBytes();
                if (!done && entry.getName().endsWith(".class")) {
                    bytes[bytes.length - 1] ^= 1;
                    done = true;
                }
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        Files.move(out, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void keytool(String... args) throws Exception {
        run("keytool", args);
    }

    private static void jarsigner(String... args) throws Exception {
        run("jarsigner", args);
    }

    private static void run(String tool, String... args) throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin", tool);
        List<String> command = new java.util.ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(tool + " " + String.join(" ", args) + ": " + output).isZero();
    }
}
