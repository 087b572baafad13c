package io.scenariobuilder.plugins.http;

import io.scenariobuilder.api.error.IntegrationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request with the redirects it is allowed to follow, followed here rather than by the JDK client so that
 * credentials never leave for another host: the connection's headers (and the caller's {@code Authorization},
 * {@code Cookie} and {@code *-Key}/{@code *-Token} headers) go only to the host first called; a redirect elsewhere is
 * followed without them. As browsers and the JDK do, at most {@value #MAX_REDIRECTS} redirects, never from https to
 * http, and 301, 302 and 303 turn a request other than GET or HEAD into a GET without body.
 *
 * @param method the method
 * @param uri the first URL
 * @param headers the caller's headers
 * @param credentialHeaders the connection's headers (sent to the first host only)
 * @param body the body, or {@code null}
 * @param timeout the time each hop may take
 */
record HttpExchange(String method, URI uri, Map<String, String> headers, Map<String, String> credentialHeaders, byte[] body,
        Duration timeout) {

    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** Sends it; with {@code follow}, follows redirects as above. */
    HttpResponse<InputStream> send(boolean follow) throws IOException, InterruptedException {
        String hopMethod = method;
        URI hop = uri;
        byte[] hopBody = body;
        for (int redirects = 0; ; redirects++) {
            boolean sameHost = sameOrigin(hop, uri);
            HttpRequest.Builder request = HttpRequest.newBuilder(hop).timeout(timeout);
            headers.forEach((name, value) -> {
                if (sameHost || !isSecretHeader(name)) {
                    request.header(name, value);
                }
            });
            if (sameHost) {
                credentialHeaders.forEach(request::header);
            }
            request.method(hopMethod, hopBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(hopBody));
            HttpResponse<InputStream> response = HttpClients.get(false).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (!follow || !REDIRECTS.contains(response.statusCode())) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                return response;
            }
            URI next;
            try {
                next = hop.resolve(location.trim());
            } catch (IllegalArgumentException e) {
                return response; // an unusable Location: the redirect itself is the answer
            }
            if (next.getHost() == null || !List.of("http", "https").contains(String.valueOf(next.getScheme()).toLowerCase(Locale.ROOT))
                    || ("https".equalsIgnoreCase(hop.getScheme()) && "http".equalsIgnoreCase(next.getScheme()))) {
                return response;
            }
            if (redirects >= MAX_REDIRECTS) {
                throw IntegrationException.invalidInput("more than " + MAX_REDIRECTS + " redirects from " + uri.getScheme() + "://"
                        + uri.getHost() + uri.getRawPath());
            }
            response.body().close();
            int status = response.statusCode();
            if ((status == 303 || ((status == 301 || status == 302) && !hopMethod.equals("GET") && !hopMethod.equals("HEAD")))) {
                hopMethod = status == 303 && hopMethod.equals("HEAD") ? "HEAD" : "GET";
                hopBody = null;
            }
            hop = next;
        }
    }

    /** Same scheme, host and port as where the request started. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** A header that carries a secret: it is never sent on to another host. */
    static boolean isSecretHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("authorization") || n.equals("proxy-authorization") || n.equals("cookie") || n.endsWith("-key")
                || n.endsWith("-token") || n.contains("api-key") || n.contains("apikey");
    }
}
