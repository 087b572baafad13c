package io.scenariobuilder.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells a clean stop from an unclean one: a file in the data folder exists while the server runs and is deleted when
 * it stops gently. Found at start, it means the last run ended in a crash, a kill or a power loss.
 */
public final class RunMarker {

    /** The file's name in the data folder. */
    public static final String FILE = "server.running";

    private RunMarker() {
    }

    /**
     * Marks the start of a run.
     *
     * @return whether the previous run stopped uncleanly (its marker is still there)
     */
    public static boolean begin(Path dataDir) {
        Path marker = dataDir.resolve(FILE);
        try {
            boolean unclean = Files.exists(marker);
            Files.writeString(marker, ProcessHandle.current().pid() + "\n");
            return unclean;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker + ": " + e.getMessage(), e);
        }
    }

    /** Marks a clean stop. */
    public static void end(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
