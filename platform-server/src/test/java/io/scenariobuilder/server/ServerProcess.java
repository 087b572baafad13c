package io.scenariobuilder.server;

import static org.awaitility.Awaitility.await;

import io.scenariobuilder.server.cli.ScenarioBuilderCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scenario-builder serve} in a process of its own, on a data folder that outlives it: for tests that kill it
 * (SIGKILL), restart it, or bound its heap. The built-in {@code core} plugin is in its plugins folder; others can be
 * added.
 */
public final class ServerProcess implements AutoCloseable {

    public final Path dir;
    public final int port;
    public final String base;
    public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> jvmOptions;
    private final Map<String, String> settings = new HashMap<>();
    private Process process;
    private int starts;

    /**
     * @param dataDir the data folder (kept across restarts)
     * @param jvmOptions extra JVM options ({@code -Xmx192m}, system properties)
     * @param extra extra settings ({@code SB_*})
     */
    public ServerProcess(Path dir, Path dataDir, List<String> jvmOptions, Map<String, String> extra, String... plugins) throws IOException {
        this.dir = dir;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        this.base = "http://127.0.0.1:" + port;
        this.jvmOptions = List.copyOf(jvmOptions);
        Path pluginsDir = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(ServerHarness.PLUGINS.resolve("sb-plugin-core.jar"), pluginsDir.resolve("sb-plugin-core.jar"), StandardCopyOption.REPLACE_EXISTING);
        for (String plugin : plugins) {
            Files.copy(Path.of("target", "upload-plugins", plugin + ".jar"), pluginsDir.resolve(plugin + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        settings.put("SB_PORT", String.valueOf(port));
        settings.put("SB_DATA_DIR", dataDir.toString());
        settings.put("SB_PLUGINS_DIR", pluginsDir.toString());
        settings.put("SB_ADMIN_KEY", ServerHarness.ADMIN_KEY);
        settings.put("SB_IMPORT_EXAMPLES", "false");
        settings.put("SB_LOG_LEVEL", "warn");
        settings.putAll(extra);
    }

    /**
     * The JaCoCo agent this test JVM runs with, if any, for the server process too: what the real server does in these
     * tests (the cluster's code runs only there) counts in the coverage report. The agent appends to the same file,
     * under a lock, when the process exits (a SIGKILL loses that process's share, nothing else).
     */
    static List<String> coverageAgent() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-javaagent:") && argument.contains("jacoco"))
                .toList();
    }

    /** Starts the server and waits until it is ready. */
    public ServerProcess start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dguice_custom_class_loading=CHILD"));
        command.addAll(coverageAgent());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScenarioBuilderCli.class.getName(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
        builder.environment().putAll(settings);
        process = builder.start();
        starts++;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited: " + log());
            }
            return client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        });
        return this;
    }

    /** SIGKILL: no shutdown hook, no last commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself, and answers its exit code. */
    public int exitCode(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not stop within " + within);
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public int starts() {
        return starts;
    }

    public String log() throws IOException {
        Path log = dir.resolve("server.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** A request to the API with the admin key. */
    public HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ServerHarness.ADMIN_KEY)
                .header("Content-Type", "application/json");
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Stops it as an operator would (SIGTERM), waiting for it to finish. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
