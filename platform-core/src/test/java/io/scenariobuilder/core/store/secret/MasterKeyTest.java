package io.scenariobuilder.core.store.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @TempDir
    Path dir;

    @Test
    void aKeyFileIsCreatedOnceWithOwnerOnlyPermissionsAndReused() throws Exception {
        Path file = dir.resolve("data/master.key");
        var first = MasterKey.load(null, file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        var again = MasterKey.load("  ", file);
        assertThat(again.getEncoded()).isEqualTo(first.getEncoded());
        SecretBox box = new SecretBox(first);
        assertThat(new SecretBox(again).open(box.seal("hello", "ctx"), "ctx")).isEqualTo("hello");
    }

    @Test
    void theEnvironmentWinsAndBadKeysAreNamed() throws Exception {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(MasterKey.load(key, dir.resolve("never.key")).getEncoded()).hasSize(32);
        assertThat(Files.exists(dir.resolve("never.key"))).isFalse();
        assertThatThrownBy(() -> MasterKey.load("not base64!", dir.resolve("x.key"))).hasMessageContaining("SB_MASTER_KEY is not base64");
        assertThatThrownBy(() -> MasterKey.load(Base64.getEncoder().encodeToString(new byte[16]), dir.resolve("x.key")))
                .hasMessageContaining("SB_MASTER_KEY holds 16 bytes");
        Path bad = Files.writeString(dir.resolve("bad.key"), "c2hvcnQ=");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterKey.load(null, bad)).hasMessageContaining("key file").hasMessageContaining("5 bytes");
    }

    @Test
    void damagedSecretsAreRefusedWithoutShowingThem() {
        SecretBox box = new SecretBox(MasterKey.load(Base64.getEncoder().encodeToString(new byte[32]), dir.resolve("k")));
        String sealed = box.seal("secret-value", "row 1");
        assertThat(sealed).doesNotContain("secret-value");
        assertThat(box.seal("secret-value", "row 1")).isNotEqualTo(sealed); // a fresh nonce every time
        assertThatThrownBy(() -> box.open("plain", "row 1")).hasMessageContaining("not in a known format");
        assertThatThrownBy(() -> box.open("v1:%%%", "row 1")).hasMessageContaining("damaged");
        assertThatThrownBy(() -> box.open("v1:AAAA", "row 1")).hasMessageContaining("damaged");
        assertThatThrownBy(() -> box.open(sealed, "row 2")).isInstanceOf(SecretBox.SecretException.class);
    }
}
