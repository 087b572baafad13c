package io.scenariobuilder.core.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What may be asked of a running execution: also what goes to the server of a cluster that runs it. */
public enum ExecutionCommand {
    PAUSE,
    RESUME,
    CANCEL;

    /** The command's name: {@code pause}, {@code resume}, {@code cancel}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The command of that name. */
    public static Optional<ExecutionCommand> fromId(String id) {
        return Arrays.stream(values()).filter(c -> c.id().equals(id)).findFirst();
    }
}
