package io.scenariobuilder.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve} in-process: the launcher's training run ({@code --exit-when-ready}) starts, answers once and stops,
 * through picocli and through the fast path that skips it.
 */
class ServeCommandTest {

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path config = dir.resolve("sb.properties");
        Files.writeString(config, String.join("\n",
                "SB_DATA_DIR=" + dir.resolve("data"),
                "SB_PLUGINS_DIR=" + dir.resolve("plugins"),
                "SB_IMPORT_EXAMPLES=false",
                "SB_HOST=127.0.0.1"));
        return config;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        CommandLine commandLine = ScenarioBuilderCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** What the launcher of an installed copy sets: sb.home, and no SQLite library path of the test JVM's. */
    private static void asInstalled(Path home, java.util.concurrent.Callable<?> work) throws Exception {
        String libPath = System.clearProperty("org.sqlite.lib.path");
        String libName = System.clearProperty("org.sqlite.lib.name");
        System.setProperty("sb.home", home.toString());
        try {
            work.call();
        } finally {
            System.clearProperty("sb.home");
            restore("org.sqlite.lib.path", libPath);
            restore("org.sqlite.lib.name", libName);
        }
    }

    private static void assertSqliteLibraryIn(Path home) throws Exception {
        try (var found = Files.walk(home.resolve("native"))) {
            assertThat(found.filter(Files::isRegularFile).map(f -> f.getFileName().toString())).contains("libsqlitejdbc.so");
        }
    }

    @Test
    void theFastPathTakesThePlainFormsAndLeavesTheRestToPicocli() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer exit = ServeCommand.fastPath(new String[] {"serve", "--config", config().toString(), "--port", "0", "--exit-when-ready"},
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("listening on http://127\\.0\\.0\\.1:\\d+");
        for (String[] args : new String[][] {{"serve", "--help"}, {"serve", "--port", "eighty"}, {"serve", "--port"},
                {"serve", "--prot", "80"}, {"run", "x.json"}, {}}) {
            assertThat(ServeCommand.fastPath(args, new PrintWriter(out), new PrintWriter(err))).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void exitWhenReadyStartsServesOneRequestAndStops() throws Exception {
        Run run = cli("serve", "--config", config().toString(), "--port", "0", "--exit-when-ready");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("listening on http://127\\.0\\.0\\.1:\\d+");
        assertThat(dir.resolve("data").resolve("scenario-builder.db")).exists();
    }

    /**
     * As installed (the launcher sets sb.home, whose plugins folder holds the built-in plugins): SQLite's native
     * library is kept in its native folder rather than unpacked into /tmp at every start (a noexec /tmp breaks that).
     */
    @Test
    void asInstalledServeKeepsSqlitesLibraryInTheInstallFolder() throws Exception {
        Path home = dir.resolve("install");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(Path.of("target", "test-plugins", "sb-plugin-core.jar"), home.resolve("plugins/sb-plugin-core.jar"));
        asInstalled(home, () -> {
            Run run = cli("serve", "--config", config().toString(), "--port", "0", "--exit-when-ready");
            assertThat(run.exit()).as(run.err()).isZero();
            assertSqliteLibraryIn(home);
            return null;
        });
    }

    /** keys, too, as installed: it opens the same database, with the library from the install folder. */
    @Test
    void asInstalledKeysKeepsSqlitesLibraryInTheInstallFolderToo() throws Exception {
        String config = config().toString();
        assertThat(cli("serve", "--config", config, "--port", "0", "--exit-when-ready").exit()).as("makes the database").isZero();
        Path home = Files.createDirectories(dir.resolve("install"));
        asInstalled(home, () -> {
            Run keys = cli("keys", "--config", config, "list");
            assertThat(keys.exit()).as(keys.err()).isZero();
            assertSqliteLibraryIn(home);
            return null;
        });
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
