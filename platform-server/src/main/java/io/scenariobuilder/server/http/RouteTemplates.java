package io.scenariobuilder.server.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes a router serves, as path templates ({@code /api/v1/executions/:id}) with their methods: which template a
 * request's path is (for metrics), and which methods a path takes (for a 405's {@code Allow}). Vert.x's router knows
 * this too, but only while routing: a failure handler no longer sees it, and the catch-all 404 route hides its 405.
 */
public final class RouteTemplates {

    /** One route: its path as a pattern, its template, and its methods (empty: every method). */
    private record Template(Pattern pattern, String name, Set<HttpMethod> methods) {
        boolean takes(HttpMethod method) {
            return methods.isEmpty() || methods.contains(method);
        }
    }

    private final List<Template> templates;

    private RouteTemplates(List<Template> templates) {
        this.templates = List.copyOf(templates);
    }

    /** No routes: every path is unmatched. */
    public static RouteTemplates none() {
        return new RouteTemplates(List.of());
    }

    /** The templates of a router's routes, once they are all mounted. Catch-alls (no path) and {@code /api/*} are left out. */
    public static RouteTemplates of(Router router) {
        List<Template> found = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath(); // the template as registered ("/api/v1/executions/:id"); null for catch-alls
            if (path == null) {
                continue;
            }
            boolean prefix = path.endsWith("*");
            String base = prefix ? path.substring(0, path.length() - 1) : path;
            StringBuilder regex = new StringBuilder("^");
            for (String part : base.split("(?=/)")) {
                if (part.startsWith("/:")) {
                    regex.append("/[^/]+");
                } else {
                    regex.append(Pattern.quote(part));
                }
            }
            regex.append(prefix ? ".*$" : "/?$");
            String name = prefix ? base + "*" : path;
            if (name.equals("/api/*")) {
                continue; // the authentication in front of every API route, not a route of its own
            }
            found.add(new Template(Pattern.compile(regex.toString()), name, route.methods() == null ? Set.of() : Set.copyOf(route.methods())));
        }
        return new RouteTemplates(found);
    }

    /** The template of the first route serving this method and path, or {@code unmatched}. */
    public String name(HttpMethod method, String path) {
        if (path == null) {
            return "unmatched";
        }
        for (Template template : templates) {
            if (template.takes(method) && template.pattern().matcher(path).matches()) {
                return template.name();
            }
        }
        return "unmatched";
    }

    /**
     * The methods some route with a method list serves on this path, sorted ({@code GET, PUT}); empty when none
     * does (the path is unknown: 404). Routes for every method (prefix handlers such as the body reader) count not.
     */
    public Set<String> allowed(String path) {
        Set<String> methods = new TreeSet<>();
        for (Template template : templates) {
            if (!template.methods().isEmpty() && template.pattern().matcher(path).matches()) {
                template.methods().forEach(method -> methods.add(method.name()));
            }
        }
        return methods;
    }
}
