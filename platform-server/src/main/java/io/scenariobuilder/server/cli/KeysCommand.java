package io.scenariobuilder.server.cli;

import io.scenariobuilder.core.store.StoreException;
import io.scenariobuilder.core.store.jdbc.InstanceLock;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.scenariobuilder.core.store.jdbc.JdbcExecutionStore;
import io.scenariobuilder.core.store.jdbc.SqliteNativeLibrary;
import io.scenariobuilder.core.store.jdbc.StoreSettings;
import io.scenariobuilder.server.ServerModule;
import io.scenariobuilder.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keys}: lists, creates and revokes API keys in the data folder or database directly, while the server is
 * stopped: the way back from a lost admin key, which the API cannot give. With the server running it refuses (the
 * server holds the database's lock, and caches keys), and says to use the API instead.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {
            "Lists, creates and revokes API keys in the database of SB_DATA_DIR (or SB_DB_URL) while the server is stopped.",
            "With the server running, use the API instead (GET/POST /api/v1/keys, DELETE /api/v1/keys/{id}, with an admin key).",
            "Exit status: 0 done, 1 refused (the server is running, the last admin key), 2 bad input."
        },
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.CreateKey.class, KeysCommand.RevokeKey.class})
final class KeysCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of SB_* settings (the environment wins).")
    Path configFile;

    /** Opens the key store of the configured database, the server's lock held for as long as the work takes. */
    private int withKeys(PrintWriter err, KeyWork work) {
        ServerConfig config;
        try {
            config = ServerConfig.load(configFile, System.getenv());
        } catch (ServerConfig.ConfigException e) {
            err.println("error: " + e.getMessage());
            return ScenarioBuilderCli.BAD_INPUT;
        }
        String home = System.getProperty("sb.home");
        if (home != null) {
            SqliteNativeLibrary.useCopyIn(Path.of(home, "native"));
        }
        StoreSettings settings = ServerModule.storeSettings(config);
        Path file = settings.sqliteFile().orElse(null);
        if (file != null && !Files.exists(file)) {
            err.println("error: no database at " + file + ": start the server once (./scenario-builder serve), or point SB_DATA_DIR "
                    + "at its data folder");
            return ScenarioBuilderCli.BAD_INPUT;
        }
        try (InstanceLock lock = InstanceLock.acquire(settings, false);
                JdbcExecutionStore store = new JdbcExecutionStore(settings)) {
            return work.run(new JdbcApiKeyStore(store.dataSource(), Clock.systemUTC()));
        } catch (InstanceLock.HeldException e) {
            err.println("error: " + e.getMessage());
            err.println("With the server running, manage keys through the API instead: POST /api/v1/keys with an admin key.");
            return 1;
        } catch (StoreException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    @FunctionalInterface
    private interface KeyWork {
        int run(JdbcApiKeyStore keys);
    }

    /** What every {@code keys} subcommand shares: the parent's settings, and the key store opened under the lock. */
    private abstract static class KeyWorkCommand implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Spec
        CommandSpec spec;

        /** The work, given the store; prints to {@code out} and {@code err} and answers the exit status. */
        abstract int work(JdbcApiKeyStore keys, PrintWriter out, PrintWriter err);

        /** Checks the arguments before the database is opened: an exit status when they are wrong, else {@code null}. */
        Integer refuse(PrintWriter err) {
            return null;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Integer refused = refuse(err);
            int exit = refused != null ? refused : parent.withKeys(err, keys -> work(keys, out, err));
            out.flush();
            err.flush();
            return exit;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the keys (never their secrets).")
    static final class ListKeys extends KeyWorkCommand {
        @Override
        int work(JdbcApiKeyStore keys, PrintWriter out, PrintWriter err) {
            out.printf("%-24s %-8s %-26s %s%n", "ID", "ROLE", "CREATED", "NAME");
            for (ApiKey key : keys.list()) {
                out.printf("%-24s %-8s %-26s %s%n", key.id(), key.role().id(), key.createdAt(), key.name());
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a key and prints it once.")
    static final class CreateKey extends KeyWorkCommand {
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, editor or viewer.")
        String role;

        @Option(names = "--name", paramLabel = "NAME", description = "What the key is for (default: the role).")
        String name;

        private Role parsed;

        @Override
        Integer refuse(PrintWriter err) {
            try {
                parsed = Role.valueOf(role.strip().toUpperCase(java.util.Locale.ROOT));
                return null;
            } catch (IllegalArgumentException e) {
                err.println("error: unknown role '" + role + "': admin, editor or viewer");
                return ScenarioBuilderCli.BAD_INPUT;
            }
        }

        @Override
        int work(JdbcApiKeyStore keys, PrintWriter out, PrintWriter err) {
            String keyName = name == null || name.isBlank() ? parsed.id() : name.strip();
            JdbcApiKeyStore.CreatedKey created = keys.create(keyName, parsed);
            out.println("created the " + parsed.id() + " key '" + keyName + "' (" + created.key().id() + "); shown once, keep it:");
            out.println(created.secret());
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Deletes a key by id (see 'keys list').")
    static final class RevokeKey extends KeyWorkCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id, such as key_3c3d9ce2e8388fa8af.")
        String id;

        @Override
        int work(JdbcApiKeyStore keys, PrintWriter out, PrintWriter err) {
            List<ApiKey> all = keys.list();
            ApiKey key = all.stream().filter(k -> k.id().equals(id)).findFirst().orElse(null);
            if (key == null) {
                err.println("error: no key '" + id + "' ('keys list' shows the ids)");
                return ScenarioBuilderCli.BAD_INPUT;
            }
            if (key.role() == Role.ADMIN && all.stream().filter(k -> k.role() == Role.ADMIN).count() == 1) {
                err.println("error: '" + id + "' is the last admin key: create another first (keys create --role admin), so that "
                        + "someone can still manage keys and plugins");
                return 1;
            }
            keys.delete(id);
            out.println("revoked " + key.role().id() + " key '" + key.name() + "' (" + id + ")");
            return 0;
        }
    }
}
