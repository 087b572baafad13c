package io.scenariobuilder.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.scenariobuilder.core.store.jdbc.SqliteNativeLibrary;
import io.scenariobuilder.server.ScenarioBuilderServer;
import io.scenariobuilder.server.config.ServerConfig;
import io.scenariobuilder.server.logging.ServerLogConfigurator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scenario-builder serve}: the HTTP server on the embedded store (or PostgreSQL), with the built-in plugins.
 * Runs until SIGTERM or Ctrl-C, then shuts down gently.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Starts the server (HTTP API, webhooks, schedules) on http://127.0.0.1:8080 by default.",
                "Settings come from --config FILE and SB_* environment variables (see docs/server.md)."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of SB_* settings (the environment wins).")
    Path configFile;

    @Option(names = "--port", paramLabel = "PORT", description = "The port (overrides SB_PORT; 0 takes any free port).")
    Integer port;

    /** For the launcher's training run (JDK 25+ AOT cache): start, then stop at once. */
    @Option(names = "--exit-when-ready", hidden = true)
    boolean exitWhenReady;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return serve(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * {@code serve} without picocli, for the plain forms of its options ({@code --config F}, {@code --port P},
     * {@code --exit-when-ready}); anything else (help, a typo, a bad number) answers null and goes through picocli,
     * which reports it. Why: picocli builds its model by reflection, which took 200 to 350 ms of a 2 s start here.
     *
     * @return the exit code, or null when picocli must parse these arguments
     */
    static Integer fastPath(String[] args, PrintWriter out, PrintWriter err) throws Exception {
        if (args.length == 0 || !args[0].equals("serve")) {
            return null;
        }
        ServeCommand command = new ServeCommand();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--exit-when-ready")) {
                command.exitWhenReady = true;
            } else if ((arg.equals("--config") || arg.equals("--port")) && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                String value = args[++i];
                if (arg.equals("--config")) {
                    command.configFile = Path.of(value);
                } else if (value.matches("\\d{1,5}")) {
                    command.port = Integer.valueOf(value);
                } else {
                    return null;
                }
            } else {
                return null;
            }
        }
        return command.serve(out, err);
    }

    private Integer serve(PrintWriter out, PrintWriter err) throws Exception {
        ServerConfig config;
        try {
            config = ServerConfig.load(configFile, System.getenv());
        } catch (ServerConfig.ConfigException e) {
            err.println("error: " + e.getMessage());
            return ScenarioBuilderCli.BAD_INPUT;
        }
        if (System.getProperty("logback.configurationFile") == null
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            // The file's SB_LOG_* settings too (logging started from the environment alone), and info by default.
            ServerLogConfigurator.apply(context, config.logging(), Level.INFO);
        }
        if (port != null) {
            config = config.withPort(port);
        }
        if (config.pluginsDir().equals(Path.of("./plugins")) && java.nio.file.Files.exists(Path.of("plugins", "pom.xml"))) {
            // Started from a checkout of Scenario Builder itself: ./plugins holds the built-in plugins' sources.
            config = config.withPluginsDir(config.dataDir().resolve("plugins"));
            LoggerFactory.getLogger(ServeCommand.class).debug("./plugins is the source folder of the built-in plugins; plugin JARs go to {}",
                    config.pluginsDir());
        }
        List<Path> builtins = new ArrayList<>();
        String home = System.getProperty("sb.home");
        if (home != null) {
            builtins.add(Path.of(home, "plugins"));
            SqliteNativeLibrary.useCopyIn(Path.of(home, "native"));
        }
        ScenarioBuilderServer server;
        try {
            server = ScenarioBuilderServer.start(config, builtins, null);
        } catch (RuntimeException | java.io.IOException e) {
            err.println("error: the server did not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled.set(true);
            server.close();
            stopped.countDown();
        }, "sb-shutdown"));
        if (server.createdAdminKey() != null) {
            out.println("created the admin API key (shown once; keep it): " + server.createdAdminKey());
        }
        if (server.ignoredAdminKey()) {
            out.println("SB_ADMIN_KEY is ignored: it creates the admin key on the first start only, and this database has keys "
                    + "already. To add or recover an admin key, stop the server and run: ./scenario-builder keys create --role admin");
        }
        if (server.resumedExecutions() > 0) {
            out.println("resumed " + server.resumedExecutions() + " unfinished execution(s)");
        }
        out.println("listening on " + server.url());
        out.flush();
        if (exitWhenReady) {
            // One request, so that the training run also sees the classes that serve the first one.
            var connection = (java.net.HttpURLConnection) java.net.URI.create(server.url() + "/health/live").toURL().openConnection();
            int status = connection.getResponseCode();
            connection.disconnect();
            server.close();
            return status == 200 ? 0 : 1;
        }
        server.stopped().thenRun(stopped::countDown); // it stopped itself: its lock went to another server, or the cluster fenced it
        stopped.await();
        if (!signalled.get()) {
            err.println("error: the server stopped itself: " + server.stoppedItself().orElse("see the log"));
            return 3;
        }
        return 0;
    }
}
