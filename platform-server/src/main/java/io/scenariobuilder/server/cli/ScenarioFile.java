package io.scenariobuilder.server.cli;

import com.google.inject.Injector;
import io.scenariobuilder.core.plugin.PluginInvalidException;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.ScenarioProblem;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code run} and {@code validate} share: the scenario file, the plugins to load for it, and its checks. */
final class ScenarioFile {

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "The scenario document (JSON).")
    Path file;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Extra plugin JARs to load (default: $SB_PLUGINS_DIR, else ./plugins when it holds JARs).")
    Path pluginsDir;

    /**
     * Loads the plugins, reads the file and checks it; prints what is wrong to {@code err} and answers
     * {@code null} when it cannot run. A document without a version is version 1, as the server numbers a new
     * scenario's first save.
     */
    ScenarioValidator.Validation load(Injector injector, PluginService plugins, PrintWriter err) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + e.getFile());
            return null;
        } catch (IOException e) {
            err.println("error: cannot read " + file + ": " + e.getMessage());
            return null;
        }
        for (Path directory : pluginDirectories()) {
            PluginService.DirectoryLoad load;
            try {
                load = plugins.loadDirectory(directory);
            } catch (PluginInvalidException e) {
                err.println("error: " + e.getMessage());
                return null;
            }
            if (!load.failed().isEmpty()) {
                load.failed().forEach((jar, failure) -> err.println("error: " + failure.getMessage()));
                return null;
            }
        }
        ScenarioValidator validator = injector.getInstance(ScenarioValidator.class);
        ScenarioValidator.Validation validation = validator.validate(text, defaultId(file));
        if (validation.valid() && validation.scenario().version() == 0) {
            validation = validator.validate(validation.scenario().withVersion(1));
        }
        if (!validation.valid()) {
            err.println("error: " + file + " is not a valid scenario (" + validation.problems().size() + " problem"
                    + (validation.problems().size() == 1 ? "" : "s") + "):");
            for (ScenarioProblem problem : validation.problems()) {
                err.println(problem.path() + ": " + problem.message());
            }
            return null;
        }
        return validation;
    }

    private List<Path> pluginDirectories() {
        List<Path> directories = new ArrayList<>();
        String home = System.getProperty("sb.home");
        if (home != null) {
            directories.add(Path.of(home, "plugins"));
        }
        if (pluginsDir != null) {
            directories.add(pluginsDir);
        } else if (System.getenv("SB_PLUGINS_DIR") != null) {
            directories.add(Path.of(System.getenv("SB_PLUGINS_DIR")));
        } else if (holdsJars(Path.of("plugins"))) {
            directories.add(Path.of("plugins"));
        }
        return directories;
    }

    private static boolean holdsJars(Path directory) {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (var files = Files.list(directory)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The scenario id used when the document has none: the file name without extension, made a valid id. */
    static String defaultId(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "").replaceAll("[^A-Za-z0-9_-]", "-");
        if (name.isEmpty()) {
            return "scenario";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
