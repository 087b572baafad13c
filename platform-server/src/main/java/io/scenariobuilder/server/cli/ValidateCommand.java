package io.scenariobuilder.server.cli;

import com.google.inject.Injector;
import io.scenariobuilder.core.bootstrap.EngineModule;
import io.scenariobuilder.core.bootstrap.Engines;
import io.scenariobuilder.core.engine.EngineSettings;
import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.scenario.ScenarioValidator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code validate}: the checks {@code run} makes, without running anything. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a scenario as 'run' does (structure, actions, fields, expressions, cycles) without running it.",
            "The server checks two things more on save: that named connections exist, and options fetched from plugins.",
            "Exit status: 0 valid, 2 not valid (every problem printed with its JSON path) or unreadable."
        })
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ScenarioFile scenarioFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Injector injector = Engines.injector(new EngineModule(EngineSettings.defaults()));
        try (PluginService plugins = injector.getInstance(PluginService.class)) {
            ScenarioValidator.Validation validation = scenarioFile.load(injector, plugins, err);
            err.flush();
            if (validation == null) {
                return ScenarioBuilderCli.BAD_INPUT;
            }
            Scenario scenario = validation.scenario();
            out.println(scenarioFile.file + " is a valid scenario: " + scenario.id() + ", " + count(scenario.nodes().size(), "node") + ", "
                    + count(scenario.connections().size(), "connection") + ", trigger " + scenario.trigger().type());
            out.flush();
            return 0;
        }
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
