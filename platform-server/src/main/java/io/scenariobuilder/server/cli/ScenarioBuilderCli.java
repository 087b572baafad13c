package io.scenariobuilder.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code scenario-builder} command.
 *
 * <pre>{@code scenario-builder run examples/linear-pipeline.json --trigger examples/order.json}</pre>
 */
@Command(
        name = "scenario-builder",
        mixinStandardHelpOptions = true,
        versionProvider = ScenarioBuilderCli.Version.class,
        description = "Scenario Builder: runs automation scenarios (DAGs of integration actions).",
        subcommands = {RunCommand.class, ValidateCommand.class, ServeCommand.class, KeysCommand.class, CommandLine.HelpCommand.class})
public final class ScenarioBuilderCli {

    /** Exit code for bad input: an invalid scenario, an unreadable file, a plugin that will not load. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        Integer served;
        try {
            served = ServeCommand.fastPath(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } catch (Exception e) {
            System.err.println("error: " + e);
            served = 1;
        }
        System.exit(served != null ? served : commandLine().execute(args));
    }

    /** The command line, for tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ScenarioBuilderCli());
        return commandLine;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ScenarioBuilderCli.class.getPackage().getImplementationVersion();
            return new String[] {"scenario-builder " + (version == null ? "(development)" : version)
                    + ", plugin API " + io.scenariobuilder.api.PlatformApi.VERSION};
        }
    }
}
