package io.scenariobuilder.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsThenTheFileThenTheEnvironment() throws Exception {
        ServerConfig defaults = ServerConfig.load(null, Map.of());
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(defaults.dbUrl()).isNull();
        assertThat(defaults.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));

        Path file = dir.resolve("sb.properties");
        Files.writeString(file, "SB_PORT=9000\nsb_data_dir=/var/sb\nSB_DB_URL=jdbc:postgresql://db/sb\n");
        ServerConfig fromFile = ServerConfig.load(file, Map.of("SB_PORT", "9100", "PATH", "/usr/bin"));
        assertThat(fromFile.port()).isEqualTo(9100); // the environment wins
        assertThat(fromFile.dataDir()).isEqualTo(Path.of("/var/sb"));
        assertThat(fromFile.dbUrl()).isEqualTo("jdbc:postgresql://db/sb");
    }

    @Test
    void badSettingsAreNamed() throws Exception {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_PORT", "eighty")))
                .hasMessageContaining("SB_PORT").hasMessageContaining("eighty");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_PORT", "70000"))).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_FSYNC", "maybe"))).hasMessageContaining("SB_FSYNC");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "SB_PROT=1\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of())).hasMessageContaining("unknown setting 'SB_PROT'");
        assertThatThrownBy(() -> ServerConfig.load(dir.resolve("missing.properties"), Map.of()))
                .hasMessageContaining("cannot read the configuration file");
    }

    @Test
    void badSecuritySettingsAreNamedWithWhatTheyTake() {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_PLUGIN_TRUST", "maybe")))
                .hasMessage("SB_PLUGIN_TRUST must be any or signed, got 'maybe'");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_PLUGIN_TRUST", "SIGNED")))
                .hasMessageStartingWith("SB_PLUGIN_TRUST=signed needs SB_PLUGIN_TRUSTSTORE");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_PLUGIN_MAX_BYTES", "12")))
                .hasMessage("SB_PLUGIN_MAX_BYTES must be between 1024 and " + Integer.MAX_VALUE + ", got 12");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_EXPRESSION_MAX_BYTES", "a lot")))
                .hasMessage("SB_EXPRESSION_MAX_BYTES must be a whole number, got 'a lot'");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_OTLP_ENDPOINT", "collector:4318")))
                .hasMessage("SB_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318/v1/traces, got 'collector:4318'");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_OTLP_ENDPOINT", "http://collector:4318/v1 traces")))
                .hasMessage("SB_OTLP_ENDPOINT is not a URL: 'http://collector:4318/v1 traces'");
        // The edges are taken, written as people write them.
        SecuritySettings edges = SecuritySettings.from(Map.of("SB_PLUGIN_MAX_BYTES", " 1024 ", "SB_EXPRESSION_MAX_BYTES", "0",
                "SB_PLUGIN_TRUST", "Any"));
        assertThat(edges.pluginMaxBytes()).isEqualTo(1024);
        assertThat(edges).isEqualTo(SecuritySettings.from(Map.of("SB_PLUGIN_MAX_BYTES", "1024")));
        assertThat(SecuritySettings.defaultSettings()).isEqualTo(SecuritySettings.from(Map.of("PATH", "/usr/bin")));
    }

    @Test
    void aClusterIsForPostgresOnly() {
        ServerConfig alone = ServerConfig.load(null, Map.of());
        assertThat(alone.cluster().enabled()).as("auto, with SQLite").isFalse();
        assertThat(ServerConfig.load(null, Map.of("SB_DB_URL", "jdbc:postgresql://db/sb")).cluster().enabled()).as("auto, with PostgreSQL").isTrue();
        assertThat(ServerConfig.load(null, Map.of("SB_DB_URL", "jdbc:postgresql://db/sb", "SB_CLUSTER", "off")).cluster().enabled()).isFalse();
        assertThat(alone.cluster().lease()).isEqualTo(Duration.ofSeconds(10));
        ServerConfig cluster = ServerConfig.load(null, Map.of("SB_CLUSTER", "on", "SB_DB_URL", "jdbc:postgresql://db/sb",
                "SB_CLUSTER_LEASE_MS", "3000", "SB_INSTANCE_NAME", "web-1"));
        assertThat(cluster.cluster()).isEqualTo(new ClusterSettings(true, Duration.ofSeconds(3), "web-1"));
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_CLUSTER", "on")))
                .hasMessageContaining("SB_CLUSTER=on needs PostgreSQL").hasMessageContaining("one server's");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_CLUSTER", "maybe"))).hasMessageContaining("SB_CLUSTER must be auto, on or off");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_CLUSTER_LEASE_MS", "10"))).hasMessageContaining("SB_CLUSTER_LEASE_MS");
    }

    @Test
    void retentionIsASetting() {
        ServerConfig defaults = ServerConfig.load(null, Map.of());
        assertThat(defaults.retentionDays()).isEqualTo(30);
        assertThat(defaults.retentionPerScenario()).isEqualTo(10_000);
        ServerConfig set = ServerConfig.load(null, Map.of("SB_RETENTION_DAYS", "7", "SB_RETENTION_PER_SCENARIO", "500"));
        assertThat(set.retentionDays()).isEqualTo(7);
        assertThat(set.retentionPerScenario()).isEqualTo(500);
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("SB_RETENTION_PER_SCENARIO", "0")))
                .hasMessageContaining("SB_RETENTION_PER_SCENARIO must be between 1");
    }

    /** A setting an operator cannot find is a setting they do not have. */
    @Test
    void everySettingIsInTheServerDocs() throws Exception {
        List<String> tableRows = Files.readAllLines(Path.of("..", "docs", "server.md")).stream().filter(line -> line.startsWith("| `SB_"))
                .toList();
        for (String setting : ServerConfig.DEFAULTS.keySet()) {
            assertThat(tableRows).as(setting).anyMatch(row -> row.contains("`" + setting + "`"));
        }
    }
}
