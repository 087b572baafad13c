package io.scenariobuilder.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a newcomer meets it in the first hour (issue 17): keys, the admin key, a port in use. */
class FirstHourCliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    private Result cli(String... args) {
        var commandLine = ScenarioBuilderCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private Path config(String... extra) throws Exception {
        Path config = dir.resolve("sb-" + extra.length + "-" + System.nanoTime() + ".properties");
        Files.writeString(config, String.join("\n", "SB_DATA_DIR=" + dir.resolve("data"), "SB_PLUGINS_DIR=" + dir.resolve("plugins"),
                "SB_IMPORT_EXAMPLES=false", "SB_HOST=127.0.0.1", String.join("\n", extra)));
        return config;
    }

    @Test
    void aUserWhoLostTheAdminKeyMakesANewOneWithTheServerStoppedAndRevokesKeys() throws Exception {
        String keysConfig = config().toString();
        assertThat(cli("keys", "--config", keysConfig, "list").err()).as("no database yet")
                .contains("no database at " + dir.resolve("data").resolve("scenario-builder.db"));
        ServerHarness h = new ServerHarness(dir, Map.of());
        try {
            Result running = cli("keys", "--config", keysConfig, "list");
            assertThat(running.exit()).isEqualTo(1);
            assertThat(running.err()).contains("another Scenario Builder server is using the data folder",
                    "With the server running, manage keys through the API instead");
            h.stop();

            Result list = cli("keys", "--config", keysConfig, "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern("(?m)^key_\\w+\\s+admin\\s+\\S+\\s+admin$");
            Result created = cli("keys", "--config", keysConfig, "create", "--role", "Admin", "--name", "recovered");
            assertThat(created.exit()).as(created.err()).isZero();
            String secret = created.out().lines().toList().get(1);
            assertThat(secret).startsWith("sb_");
            Result editor = cli("keys", "--config", keysConfig, "create", "--role", "editor");
            String editorSecret = editor.out().lines().toList().get(1);
            String editorId = editor.out().replaceAll("(?s).*\\((key_\\w+)\\).*", "$1");
            assertThat(cli("keys", "--config", keysConfig, "create", "--role", "owner").err())
                    .contains("unknown role 'owner': admin, editor or viewer");

            h.start();
            assertThat(h.call(HttpMethod.GET, "/api/v1/keys/current", null, secret).body().get("role").asText()).isEqualTo("admin");
            assertThat(h.call(HttpMethod.GET, "/api/v1/keys/current", null, editorSecret).body().get("role").asText()).isEqualTo("editor");
            h.stop();

            Result revoked = cli("keys", "--config", keysConfig, "revoke", editorId);
            assertThat(revoked.exit()).as(revoked.err()).isZero();
            assertThat(revoked.out()).isEqualTo("revoked editor key 'editor' (" + editorId + ")\n");
            assertThat(cli("keys", "--config", keysConfig, "revoke", "key_nobody").err()).contains("no key 'key_nobody'");
            h.start();
            assertThat(h.call(HttpMethod.GET, "/api/v1/keys/current", null, editorSecret).status()).isEqualTo(401);
        } finally {
            h.close();
        }
    }

    @Test
    void keysWithAWrongSettingOrADamagedDatabaseSayWhichAndChangeNothing() throws Exception {
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "SB_PORT=eighty\n");
        Result wrongSetting = cli("keys", "--config", bad.toString(), "list");
        assertThat(wrongSetting.exit()).isEqualTo(2);
        assertThat(wrongSetting.err()).startsWith("error: ").contains("SB_PORT").contains("eighty");

        // A data folder whose database file is not a database: named, exit 1, the file left as it was.
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data").resolve("scenario-builder.db"), "not a database ".repeat(200));
        Result damaged = cli("keys", "--config", config().toString(), "list");
        assertThat(damaged.exit()).isEqualTo(1);
        assertThat(damaged.err()).startsWith("error: ").contains("scenario-builder.db").contains("not a database");
        assertThat(Files.readString(dir.resolve("data").resolve("scenario-builder.db"))).startsWith("not a database");
    }

    @Test
    void theLastAdminKeyCannotBeRevoked() throws Exception {
        new ServerHarness(dir, Map.of()).close();
        String keysConfig = config().toString();
        String adminId = cli("keys", "--config", keysConfig, "list").out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
        Result refused = cli("keys", "--config", keysConfig, "revoke", adminId);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("is the last admin key: create another first");
        assertThat(cli("keys", "--config", keysConfig, "list").out()).contains(adminId);
    }

    @Test
    void aRestartWithAnotherAdminKeySaysItIsIgnoredAndHowToGetOne() throws Exception {
        Result first = cli("serve", "--config", config("SB_ADMIN_KEY=sb_the_first_admin_key_0123456789").toString(), "--port", "0",
                "--exit-when-ready");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).doesNotContain("ignored");
        Result other = cli("serve", "--config", config("SB_ADMIN_KEY=sb_a_different_admin_key_987654321").toString(), "--port", "0",
                "--exit-when-ready");
        assertThat(other.out()).contains("SB_ADMIN_KEY is ignored: it creates the admin key on the first start only, and this "
                + "database has keys already. To add or recover an admin key, stop the server and run: ./scenario-builder keys create "
                + "--role admin");
        Result same = cli("serve", "--config", config("SB_ADMIN_KEY=sb_the_first_admin_key_0123456789").toString(), "--port", "0",
                "--exit-when-ready");
        assertThat(same.out()).as("the key it made: nothing to say").doesNotContain("ignored");
    }

    @Test
    void aSettingWithAWrongValueStopsTheStartNamingItWithExitTwo() throws Exception {
        Result wrong = cli("serve", "--config", config("SB_WAIT_TIMEOUT_MS=soon").toString(), "--port", "0", "--exit-when-ready");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("error: ").contains("SB_WAIT_TIMEOUT_MS");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aPortInUseIsNamedAndNothingIsWrittenBeforeTheCheck() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result refused = cli("serve", "--config", config("SB_IMPORT_EXAMPLES=true").toString(), "--port",
                    String.valueOf(taken.getLocalPort()), "--exit-when-ready");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("the server did not start: 127.0.0.1:" + taken.getLocalPort()
                    + " is in use by another program (another Scenario Builder?): stop it, or choose another port with SB_PORT or --port");
            assertThat(dir.resolve("data")).as("no store opened, no example imported").doesNotExist();
        }
    }

    @Test
    void aHostThisMachineCannotListenOnIsNamedNotTakenForAPortInUse() throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): an address no machine has. It used to be reported as "in use by another program".
        Result foreign = cli("serve", "--config", config("SB_HOST=192.0.2.1").toString(), "--port", "18080", "--exit-when-ready");
        assertThat(foreign.exit()).isEqualTo(1);
        assertThat(foreign.err()).contains("the server did not start: SB_HOST 192.0.2.1 is not an address of this machine: listen on "
                + "127.0.0.1 (this machine only), 0.0.0.0 (every network) or one of this machine's addresses")
                .doesNotContain("in use");
        // A name that does not resolve (.invalid is reserved, RFC 2606) used to say only "Unresolved address".
        Result unknown = cli("serve", "--config", config("SB_HOST=no-such-host.invalid").toString(), "--port", "0", "--exit-when-ready");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("the server did not start: SB_HOST 'no-such-host.invalid' is not a name this machine can resolve");
        assertThat(dir.resolve("data")).as("checked before anything is written").doesNotExist();
    }
}
