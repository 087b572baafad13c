package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hostile-JAR attacks share: the http plugin's JAR with one more entry, the refusal check (400
 * {@code plugin_invalid}, the installed plugins as they were), and the JDK's keytool and jarsigner.
 */
abstract class PluginAttackBase {

    @TempDir
    Path dir;

    static final Path HTTP_JAR = Path.of("target/upload-plugins/sb-plugin-http.jar");

    /** The http plugin's JAR with one more entry. */
    Path withEntry(String name, String entryName, byte[] content, int method) throws IOException {
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

    static void refused(ServerHarness h, Path jar, String says) throws IOException {
        Response answer = h.post("/api/v1/plugins", Files.readAllBytes(jar));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo("plugin_invalid");
        assertThat(answer.body().at("/error/message").asText()).contains(says);
        assertThat(h.get("/api/v1/plugins").body().get("items").findValuesAsText("id")).containsExactly("core");
    }

    /** Rewrites one class of a signed JAR with other bytes, keeping the signature files. */
    static void tamper(Path jar) throws IOException {
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

    static void keytool(String... args) throws Exception {
        run("keytool", args);
    }

    static void jarsigner(String... args) throws Exception {
        run("jarsigner", args);
    }

    static void run(String tool, String... args) throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin", tool);
        List<String> command = new java.util.ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(tool + " " + String.join(" ", args) + ": " + output).isZero();
    }
}
