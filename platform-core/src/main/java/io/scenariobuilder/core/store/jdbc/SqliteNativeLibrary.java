package io.scenariobuilder.core.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's native library, copied once into a folder of the installation. By default sqlite-jdbc copies it out of
 * its JAR into the temporary folder at every start, which took 150 ms of a 1.6 s server start here; pointed at a
 * copy ({@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}, sqlite-jdbc's own settings) it loads it at once.
 */
public final class SqliteNativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);

    private SqliteNativeLibrary() {
    }

    /**
     * Points sqlite-jdbc at its library under {@code dir} (one folder per sqlite-jdbc version and platform), copying
     * it there first when missing. Does nothing when a library path is already set or the JAR has no library for
     * this platform; when the folder cannot be written, sqlite-jdbc goes on loading it its own way.
     *
     * @return the library used, or null when sqlite-jdbc is left to its default
     */
    public static Path useCopyIn(Path dir) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return null;
        }
        String resourceFolder = LibraryLoaderUtil.getNativeLibResourcePath(); // /org/sqlite/native/Linux/x86_64
        String name = LibraryLoaderUtil.getNativeLibName();
        // One folder per sqlite-jdbc JAR (its file name carries the version; SQLiteJDBCLoader.getVersion() would load
        // the library the default way first, which is what this avoids).
        String jar;
        try {
            jar = Path.of(SQLiteJDBCLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
        if (!jar.endsWith(".jar")) {
            return null; // classes from a folder (an IDE): nothing stable to key the copy on
        }
        Path folder = dir.resolve(jar.substring(0, jar.length() - ".jar".length()))
                .resolve(resourceFolder.replaceFirst("^/org/sqlite/native/", ""));
        Path library = folder.resolve(name);
        try {
            if (!Files.isRegularFile(library)) {
                try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resourceFolder + "/" + name)) {
                    if (in == null) {
                        return null;
                    }
                    Files.createDirectories(folder);
                    Path partial = Files.createTempFile(folder, name, ".part");
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library stays with sqlite-jdbc's own loading: cannot copy it to {}: {}", folder, e.toString());
            return null;
        }
        System.setProperty("org.sqlite.lib.path", folder.toString());
        System.setProperty("org.sqlite.lib.name", name);
        return library;
    }
}
