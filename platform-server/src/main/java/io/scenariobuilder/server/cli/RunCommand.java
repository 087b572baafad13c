package io.scenariobuilder.server.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.engine.ExecutionEngine;
import io.scenariobuilder.core.engine.ExecutionLog;
import io.scenariobuilder.core.engine.ExecutionResult;
import io.scenariobuilder.core.engine.ExecutionStatus;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.JsonSyntax;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import io.scenariobuilder.core.store.ExecutionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: runs one scenario in-process and reports what each node did. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a scenario in-process (in-memory store) and prints a per-node summary.",
            "Exit status: 0 completed, 1 any other final status, 2 bad input."
        })
final class RunCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Mixin
    ScenarioFile scenario;

    @Option(names = "--trigger", paramLabel = "FILE", description = "Trigger data (JSON) given to the start nodes; default {}.")
    Path triggerFile;

    @Option(names = "--json", description = "Print only the execution result document on stdout, its log under \"logs\"; "
            + "the log lines also go to stderr as they are written.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean engineLogs = System.getenv("SB_LOG_LEVEL") != null;
        if (!engineLogs) {
            // The execution log is printed below (the summary, or stderr with --json), not by the logging system too.
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ExecutionLog.LOGGER)).setLevel(Level.OFF);
        }
        JsonNode trigger;
        try {
            trigger = triggerFile == null ? JSON.createObjectNode() : readTrigger(triggerFile);
        } catch (BadInput e) {
            err.println(e.getMessage());
            return ScenarioBuilderCli.BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + e.getFile());
            return ScenarioBuilderCli.BAD_INPUT;
        } catch (IOException e) {
            err.println("error: cannot read " + triggerFile + ": " + e.getMessage());
            return ScenarioBuilderCli.BAD_INPUT;
        }
        Injector injector = Engines.injector(new EngineModule(EngineSettings.defaults()));
        try (PluginService plugins = injector.getInstance(PluginService.class);
                ExecutionEngine engine = injector.getInstance(ExecutionEngine.class)) {
            ScenarioValidator.Validation validation = scenario.load(injector, plugins, err);
            if (validation == null) {
                return ScenarioBuilderCli.BAD_INPUT;
            }
            ExecutionLog.Registration printing = json && !engineLogs
                    ? injector.getInstance(ExecutionLog.class).addListener(line -> err.println(RunSummary.line(line)))
                    : () -> { };
            ExecutionResult result;
            try (printing) {
                result = engine.start(validation.compiled(), trigger).completion().toCompletableFuture().get();
            }
            List<LogEntry> logs = injector.getInstance(ExecutionStore.class).logs(result.id());
            if (json) {
                ObjectNode document = JSON.valueToTree(result);
                document.set("logs", JSON.valueToTree(logs.stream().map(RunCommand::logLine).toList()));
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } else {
                out.print(new RunSummary(validation.scenario(), result, logs).render());
            }
            out.flush();
            err.flush();
            return result.status() == ExecutionStatus.COMPLETED ? 0 : 1;
        } catch (ExecutionException e) {
            err.println("error: the execution failed inside the engine: " + e.getCause());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        } catch (JsonProcessingException e) {
            err.println("error: cannot write the result: " + e.getOriginalMessage());
            return 1;
        }
    }

    /** One execution log line as the result document's {@code logs} carries it (the node id included). */
    private static Map<String, Object> logLine(LogEntry line) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("timestamp", line.timestamp().toString());
        out.put("level", line.level().id());
        out.put("category", line.category());
        out.put("nodeId", line.nodeId());
        out.put("message", line.message());
        return out;
    }

    private static JsonNode readTrigger(Path file) throws IOException {
        String text = Files.readString(file);
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new BadInput("error: trigger " + file + " is empty: expected a JSON value such as {}");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadInput("error: trigger " + file + " is malformed JSON " + JsonSyntax.describe(e));
        }
    }

    private static final class BadInput extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }
}
