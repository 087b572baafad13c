package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** A JAR that unpacks to far more than it weighs, or holds too many entries or bytes: refused, nothing installed. */
class ZipBombAttackTest extends PluginAttackBase {

    @Test
    void aZipBombIsRefusedWithoutBeingUnpacked() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("server"), Map.of("SB_PLUGIN_MAX_UNPACKED_BYTES", String.valueOf(4 * 1024 * 1024)))) {
            // 32 MB of zeros compress to about 32 KB.
            refused(h, withEntry("bomb.jar", "zeros.bin", new byte[32 * 1024 * 1024], ZipEntry.DEFLATED), "zip bomb");
            // The plain JAR still installs: the limit refuses only what passes it.
            assertThat(h.post("/api/v1/plugins", Files.readAllBytes(HTTP_JAR)).status()).isEqualTo(201);
        }
    }

    @Test
    void tooManyEntriesOrTooManyBytesAreRefused() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("server"), Map.of("SB_PLUGIN_MAX_ENTRIES", "100",
                "SB_PLUGIN_MAX_BYTES", String.valueOf(100 * 1024)))) {
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
        }
    }
}
