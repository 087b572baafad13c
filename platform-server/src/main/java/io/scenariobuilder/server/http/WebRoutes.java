package io.scenariobuilder.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live page and the API's documentation, served from the JAR: {@code /} (the page, plain ES modules), {@code
 * /assets/*} (its modules, styles and the pinned vendored library), {@code /webjars/*} (uPlot and Swagger UI, from
 * their WebJars), {@code /api/docs} (Swagger UI on {@code /api/v1/openapi.json}). No key is needed to load them: the
 * page asks for one, and every call it makes carries it. Nothing is fetched from the internet.
 */
public final class WebRoutes {

    /** Same-origin only: no inline script, no frames of this page elsewhere. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'";
    private static final String WEB = "io/scenariobuilder/server/web";

    private final Buffer index = resource("index.html");
    private final Buffer swagger = resource("swagger.html");

    /** Mounts the routes; call before the API's authentication ({@code /api/docs} is open). */
    public void mount(Router router) {
        router.get("/").handler(ctx -> page(ctx, index));
        router.get("/api/docs").handler(ctx -> page(ctx, swagger));
        router.route("/assets/*").handler(StaticHandler.create(WEB).setCachingEnabled(true).setMaxAgeSeconds(300)
                .setDirectoryListing(false).setIncludeHidden(false));
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true)
                .setMaxAgeSeconds(86_400).setDirectoryListing(false));
    }

    private static void page(RoutingContext ctx, Buffer html) {
        ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Cache-Control", "no-cache")
                .end(html);
    }

    private static Buffer resource(String name) {
        try (InputStream in = WebRoutes.class.getClassLoader().getResourceAsStream(WEB + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException(WEB + "/" + name + " is missing from the server JAR");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
