package io.scenariobuilder.core.store.jdbc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how the durable store keeps executions.
 *
 * @param jdbcUrl {@code jdbc:sqlite:...} (embedded) or {@code jdbc:postgresql://...}
 * @param user database user, or {@code null}
 * @param password database password, or {@code null}
 * @param fsync power-loss durability: fsync at every commit (SQLite {@code synchronous=FULL}). Off, a commit
 *     survives a killed process but may be lost with the machine's power
 * @param maxBatch the most writes one group commit takes
 * @param maxOutputBytes node outputs larger than this (as JSON) are stored cut, marked {@code "_truncated": true}
 */
public record StoreSettings(String jdbcUrl, String user, String password, boolean fsync, int maxBatch, int maxOutputBytes) {

    /** Default cap on a stored node output: 1 MiB of JSON. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

    public StoreSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://...): " + jdbcUrl);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        if (maxOutputBytes < 1_024) {
            throw new IllegalArgumentException("maxOutputBytes must be at least 1024");
        }
    }

    /** The embedded default: SQLite in {@code dataDir/scenario-builder.db}. */
    public static StoreSettings embedded(Path dataDir) {
        return new StoreSettings("jdbc:sqlite:" + dataDir.toAbsolutePath().resolve("scenario-builder.db"), null, null, false,
                1_000, DEFAULT_MAX_OUTPUT_BYTES);
    }

    /** The same settings with fsync at commit on or off. */
    public StoreSettings withFsync(boolean on) {
        return new StoreSettings(jdbcUrl, user, password, on, maxBatch, maxOutputBytes);
    }

    /** The same settings with another output cap. */
    public StoreSettings withMaxOutputBytes(int bytes) {
        return new StoreSettings(jdbcUrl, user, password, fsync, maxBatch, bytes);
    }

    /** Whether this is the embedded SQLite store. */
    public boolean sqlite() {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    /** The SQLite database file, when the URL names one ({@code jdbc:sqlite:PATH}, not {@code :memory:} or a URI). */
    public java.util.Optional<Path> sqliteFile() {
        if (!sqlite()) {
            return java.util.Optional.empty();
        }
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = rest.indexOf('?');
        String file = query < 0 ? rest : rest.substring(0, query);
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Path.of(file));
    }
}
