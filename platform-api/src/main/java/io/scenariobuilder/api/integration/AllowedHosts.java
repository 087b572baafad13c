package io.scenariobuilder.api.integration;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Host patterns: where a connection's credentials may be sent. A connection's {@code allowedHosts} lists them; an
 * action checks the host it is about to call before attaching credentials.
 *
 * <ul>
 *   <li>{@code api.example.com}: that host only (any port), compared without case;</li>
 *   <li>{@code *.example.com}: any host under {@code example.com} ({@code a.example.com}, {@code a.b.example.com}),
 *       not {@code example.com} itself;</li>
 *   <li>{@code api.example.com:8443}: that host on that port only;</li>
 *   <li>{@code *}: any host (a deliberate choice of the connection's owner).</li>
 * </ul>
 * IP addresses are written as they are ({@code 10.0.0.5}, {@code [::1]}); they match only themselves.
 *
 * <pre>{@code if (!AllowedHosts.anyMatches(context.allowedHosts().orElse(List.of()), uri))
 *     throw IntegrationException.forbiddenHost(uri.getHost(), context.allowedHosts().orElse(List.of()));}</pre>
 *
 * @since 1.3.0
 */
public final class AllowedHosts {

    private AllowedHosts() {
    }

    /** Whether any of {@code patterns} allows the host (and port) of {@code uri}. */
    public static boolean anyMatches(Collection<String> patterns, URI uri) {
        if (patterns == null || uri == null || uri.getHost() == null) {
            return false;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (String pattern : patterns) {
            if (matches(pattern, uri.getHost(), port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pattern} allows {@code host} on {@code port}. */
    public static boolean matches(String pattern, String host, int port) {
        if (pattern == null || host == null || problem(pattern).isPresent()) {
            return false;
        }
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        if (p.equals("*")) {
            return true;
        }
        String patternHost = p;
        int colon = p.lastIndexOf(':');
        if (colon > p.lastIndexOf(']')) {
            patternHost = p.substring(0, colon);
            if (Integer.parseInt(p.substring(colon + 1)) != port) {
                return false;
            }
        }
        String h = normal(host);
        patternHost = normal(patternHost);
        if (patternHost.startsWith("*.")) {
            String suffix = patternHost.substring(1); // ".example.com"
            return h.endsWith(suffix) && h.length() > suffix.length();
        }
        return h.equals(patternHost);
    }

    /** What is wrong with a pattern, or empty when it is a valid one (for checking a connection when it is saved). */
    public static Optional<String> problem(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return Optional.of("a host pattern must not be empty");
        }
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        if (p.equals("*")) {
            return Optional.empty();
        }
        if (p.contains("/") || p.contains("@") || p.contains("?") || p.contains("#")) {
            return Optional.of("'" + pattern + "' is not a host pattern: give a host such as api.example.com or *.example.com, "
                    + "without scheme, path or user");
        }
        String host = p;
        int colon = p.lastIndexOf(':');
        if (colon > p.lastIndexOf(']')) {
            host = p.substring(0, colon);
            String port = p.substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65_535 || Integer.parseInt(port) == 0) {
                return Optional.of("'" + pattern + "' has a port that is not a number from 1 to 65535");
            }
        }
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            return Optional.empty();
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (!name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?")) {
            return Optional.of("'" + pattern + "' is not a host pattern: a host name, optionally starting with '*.', or '*'");
        }
        return Optional.empty();
    }

    private static String normal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
