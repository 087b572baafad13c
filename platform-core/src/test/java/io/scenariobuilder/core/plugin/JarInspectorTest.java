package io.scenariobuilder.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.core.testing.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks a plugin JAR passes before PF4J opens it (the server's attack tests upload the same shapes). */
class JarInspectorTest {

    @TempDir
    Path dir;

    private static final PluginSettings.JarLimits LIMITS = new PluginSettings.JarLimits(2 * 1024 * 1024, 8 * 1024 * 1024, 2_000);

    /** A built test plugin with one more entry. */
    private Path withEntry(String entryName, byte[] content) throws IOException {
        Path out = dir.resolve("plugin-" + System.nanoTime() + ".jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(PluginJars.built("lib-a")));
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            if (entryName != null) {
                zip.putNextEntry(new ZipEntry(entryName));
                zip.write(content);
                zip.closeEntry();
            }
        }
        return out;
    }

    @Test
    void aPlainPluginPasses() throws Exception {
        JarInspector.check(withEntry(null, null), "lib-a.jar", LIMITS, null);
    }

    @Test
    void aZipBombIsRefusedWhileItIsRead() throws Exception {
        assertThatThrownBy(() -> JarInspector.check(withEntry("zeros.bin", new byte[16 * 1024 * 1024]), "bomb.jar", LIMITS, null))
                .isInstanceOf(PluginInvalidException.class).hasMessageContaining("zip bomb").hasMessageContaining("bomb.jar");
    }

    @Test
    void tooManyEntriesOrBytesAreRefused() throws Exception {
        Path many = dir.resolve("many.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(many))) {
            for (int i = 0; i < 2_500; i++) {
                zip.putNextEntry(new ZipEntry("e" + i));
                zip.closeEntry();
            }
        }
        assertThatThrownBy(() -> JarInspector.check(many, "many.jar", LIMITS, null)).hasMessageContaining("more than 2000 entries");
        byte[] noise = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(noise);
        Path big = withEntry("noise.bin", noise);
        assertThatThrownBy(() -> JarInspector.check(big, "big.jar", LIMITS, null)).hasMessageContaining("SB_PLUGIN_MAX_BYTES");
        assertThatThrownBy(() -> JarInspector.check(Files.write(dir.resolve("junk.jar"), new byte[] {1, 2, 3}), "junk.jar", LIMITS, null))
                .hasMessageContaining("not a readable plugin JAR");
    }

    @Test
    void entriesClimbingOutOfTheirFolderAreRefused() throws Exception {
        for (String name : new String[] {"../evil.sh", "a/../../evil.sh", "/etc/evil", "C:/evil", "a\\..\\..\\evil"}) {
            assertThat(JarInspector.unsafe(name)).as(name).isTrue();
        }
        assertThat(JarInspector.unsafe("io/scenariobuilder/A.class")).isFalse();
        assertThat(JarInspector.unsafe("a..b/c")).isFalse();
        assertThatThrownBy(() -> JarInspector.check(withEntry("../../evil.sh", "x".getBytes()), "climb.jar", LIMITS, null))
                .hasMessageContaining("'..'");
    }

    @Test
    void underATrustStoreAnUnsignedJarIsRefused() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        assertThatThrownBy(() -> JarInspector.check(withEntry(null, null), "lib-a.jar", LIMITS, empty))
                .hasMessageContaining("not signed by a trusted certificate");
    }
}
