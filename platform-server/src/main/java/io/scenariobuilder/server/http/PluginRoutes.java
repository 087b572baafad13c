package io.scenariobuilder.server.http;

import io.scenariobuilder.core.plugin.PluginService;
import io.scenariobuilder.core.plugin.PluginService.InstalledPlugin;
import io.scenariobuilder.core.plugin.UnknownPluginException;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/v1/plugins}: list, upload (admin; the JAR as the body or as multipart {@code file}), remove (admin).
 * An uploaded JAR is installed first and only then kept in the plugins folder as {@code <id>-<version>.jar}, so a
 * refused JAR leaves the folder and the server as they were, and the next start loads what this one runs.
 */
public final class PluginRoutes {

    private final SecurityLog security;

    private final Vertx vertx;
    private final Http http;
    private final PluginService plugins;
    private final Path pluginsDir;

    /** Where plugins installed and removed here are shared with the other servers of a cluster; none alone. */
    public interface Cluster {
        void installed(InstalledPlugin plugin, Path jar);

        void removed(String pluginId);
    }

    private final Cluster cluster;

    public PluginRoutes(Vertx vertx, Http http, PluginService plugins, Path pluginsDir, SecurityLog security, Cluster cluster) {
        this.cluster = cluster;
        this.security = security;
        this.vertx = vertx;
        this.http = http;
        this.plugins = plugins;
        this.pluginsDir = pluginsDir;
    }

    public void mount(Router router) {
        router.get("/api/v1/plugins").handler(this::list);
        router.post("/api/v1/plugins").handler(this::upload);
        router.delete("/api/v1/plugins/:id").handler(this::remove);
    }

    private void list(RoutingContext ctx) {
        Http.json(ctx, 200, Http.page(plugins.list().stream().map(PluginRoutes::describe).toList(), null));
    }

    private void upload(RoutingContext ctx) {
        ApiKey caller = Auth.caller(ctx);
        Optional<FileUpload> file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst();
        Buffer body = ctx.body().buffer();
        if (file.isEmpty() && (body == null || body.length() == 0)) {
            throw ApiException.badRequest("send the plugin JAR as the body (application/java-archive) or as multipart field 'file'");
        }
        http.blocking(vertx, () -> {
            Path part = pluginsDir.resolve(".upload-" + UUID.randomUUID() + ".part");
            if (file.isPresent()) {
                Files.move(Path.of(file.get().uploadedFileName()), part, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.write(part, body.getBytes());
            }
            InstalledPlugin installed = installAndKeep(plugins, pluginsDir, part);
            security.pluginInstalled(caller, installed.id(), installed.version());
            if (cluster != null) {
                cluster.installed(installed, pluginsDir.resolve(installed.id() + "-" + installed.version() + ".jar"));
            }
            return describe(installed);
        }).onSuccess(Http.guard(ctx, installed -> Http.json(ctx, 201, installed))).onFailure(ctx::fail);
    }

    private void remove(RoutingContext ctx) {
        ApiKey caller = Auth.caller(ctx);
        String id = Http.param(ctx, "id");
        boolean force = "true".equals(ctx.queryParams().get("force"));
        http.blocking(vertx, () -> {
            if (plugins.find(id).isEmpty()) {
                throw new UnknownPluginException("no plugin '" + id + "' is installed");
            }
            plugins.remove(id, force);
            security.pluginRemoved(caller, id, force);
            deleteOtherJarsOf(pluginsDir, id, null);
            if (cluster != null) {
                cluster.removed(id);
            }
            return true;
        }).onSuccess(Http.guard(ctx, done -> Http.noContent(ctx))).onFailure(ctx::fail);
    }

    /**
     * Installs (or upgrades to) the JAR at {@code part}, a file in the plugins folder, and keeps it there as
     * {@code <id>-<version>.jar}, in place of the plugin's earlier JARs. {@code part} is gone afterwards.
     */
    public static InstalledPlugin installAndKeep(PluginService plugins, Path pluginsDir, Path part) throws IOException {
        try {
            InstalledPlugin installed = plugins.install(part);
            Path kept = pluginsDir.resolve(installed.id() + "-" + installed.version() + ".jar");
            deleteOtherJarsOf(pluginsDir, installed.id(), kept);
            Files.move(part, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return installed;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Deletes the JARs this API kept for a plugin ({@code <id>-<version>.jar}), except {@code keep}. */
    public static void deleteOtherJarsOf(Path pluginsDir, String pluginId, Path keep) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(pluginsDir, pluginId + "-*.jar")) {
            for (Path jar : jars) {
                String version = jar.getFileName().toString().substring(pluginId.length() + 1).replaceFirst("\\.jar$", "");
                if (!jar.equals(keep) && Character.isDigit(version.isEmpty() ? 'x' : version.charAt(0))) {
                    Files.deleteIfExists(jar);
                }
            }
        }
    }

    private static Map<String, Object> describe(InstalledPlugin plugin) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", plugin.id());
        out.put("version", plugin.version());
        out.put("state", plugin.state());
        out.put("description", plugin.description());
        out.put("provider", plugin.provider());
        out.put("requires", plugin.requires());
        out.put("integrations", plugin.integrationIds());
        out.put("runningExecutions", plugin.runningExecutions());
        out.put("sha256", plugin.sha256());
        return out;
    }
}
