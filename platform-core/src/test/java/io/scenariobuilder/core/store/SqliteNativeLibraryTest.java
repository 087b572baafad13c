package io.scenariobuilder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.store.jdbc.SqliteNativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeLibraryTest {

    @TempDir
    Path dir;

    @AfterEach
    void forget() {
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
    }

    @Test
    void copiesTheLibraryOnceAndPointsSqliteJdbcAtIt() throws Exception {
        Path library = SqliteNativeLibrary.useCopyIn(dir.resolve("native"));

        assertThat(library).isNotNull().isRegularFile();
        assertThat(Files.size(library)).isGreaterThan(100_000);
        assertThat(library.toString()).contains("sqlite-jdbc-");
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(library.getParent().toString());
        assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo(library.getFileName().toString());
        // SQLite works (from this copy, unless an earlier test in this JVM loaded it already).
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
                ResultSet rs = connection.createStatement().executeQuery("SELECT sqlite_version()")) {
            assertThat(rs.next()).isTrue();
        }
        // Set already: left alone.
        assertThat(SqliteNativeLibrary.useCopyIn(dir.resolve("elsewhere"))).isNull();
        assertThat(dir.resolve("elsewhere")).doesNotExist();

        // The next start finds the copy and does not write it again.
        forget();
        long modified = Files.getLastModifiedTime(library).toMillis();
        assertThat(SqliteNativeLibrary.useCopyIn(dir.resolve("native"))).isEqualTo(library);
        assertThat(Files.getLastModifiedTime(library).toMillis()).isEqualTo(modified);
        try (var files = Files.list(library.getParent())) {
            assertThat(files).as("no partial copies left").containsExactly(library);
        }
    }
}
