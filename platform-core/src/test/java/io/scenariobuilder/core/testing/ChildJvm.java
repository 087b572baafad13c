package io.scenariobuilder.core.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM a test starts (a server killed with SIGKILL, a worker on a small heap), on this
 * JVM's class path, with this JVM's JaCoCo agent when it has one: what the child runs counts in the coverage report
 * (the agent appends to the same file, under a lock, when the child exits; a SIGKILL loses that child's share only).
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** {@code java [agent] options -cp <this class path> mainClass args}. */
    public static List<String> command(List<String> options, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-javaagent:") && argument.contains("jacoco"))
                .forEach(command::add);
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
