package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ConfigurationProblem;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.integration.AllowedHosts;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code http.request}: one HTTP call. Blocking on a virtual thread; an interrupt (cancel, timeout) aborts it. */
final class HttpRequestAction implements NodeExecutor {

    static final int DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ActionResult execute(ExecutionContext context) throws Exception {
        JsonNode config = context.configuration();
        String method = config.path("method").asText("GET").toUpperCase(Locale.ROOT);
        HttpAuth auth = HttpAuth.from(context.credentials());
        URI uri = uri(config.get("url").asText(), config.get("query"), auth);
        Duration timeout = Duration.ofMillis(config.path("timeoutMs").asLong(30_000));
        if (auth.sendsCredentials()) {
            // The connection's owner decides where its credentials may go; the scenario cannot widen it.
            List<String> allowed = auth.allowedHosts(context.allowedHosts());
            if (!AllowedHosts.anyMatches(allowed, uri)) {
                throw IntegrationException.forbiddenHost(uri.getHost(), allowed);
            }
        }
        Map<String, String> requestHeaders = new LinkedHashMap<>();
        boolean hasContentType = false;
        JsonNode headers = config.get("headers");
        if (headers != null && headers.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                JsonNode value = header.getValue();
                if (value.isNull()) {
                    continue;
                }
                String text = value.isTextual() ? value.textValue() : value.toString();
                try {
                    HttpRequest.newBuilder(uri).header(header.getKey(), text); // the JDK's own check of names and values
                } catch (IllegalArgumentException e) {
                    // The JDK's message may quote the value, which may be a secret: not repeated.
                    throw IntegrationException.invalidInput("header '" + header.getKey() + "' is not allowed here (a header the "
                            + "client sets itself, such as Host or Content-Length) or its name or value has a character a header cannot hold");
                }
                requestHeaders.put(header.getKey(), text);
                hasContentType |= header.getKey().equalsIgnoreCase("Content-Type");
            }
        }
        if (!hasHeader(headers, "traceparent")) {
            // The called service joins the execution's trace under this attempt's span (W3C Trace Context).
            context.traceparent().ifPresent(value -> requestHeaders.put("traceparent", value));
        }
        JsonNode body = config.get("body");
        String bodyType = config.path("bodyType").asText("json");
        byte[] bytesOut = null;
        if (!(body == null || body.isNull() || method.equals("GET") || method.equals("HEAD"))) {
            Body encoded = encode(body, bodyType);
            if (!hasContentType) {
                requestHeaders.put("Content-Type", encoded.contentType());
            }
            bytesOut = encoded.bytes();
        }
        long maxBytes = config.path("maxResponseBytes").asLong(DEFAULT_MAX_RESPONSE_BYTES);
        HttpResponse<InputStream> response;
        try {
            response = new HttpExchange(method, uri, requestHeaders, auth.headers(), bytesOut, timeout)
                    .send(config.path("followRedirects").asBoolean(true));
        } catch (HttpConnectTimeoutException e) {
            throw IntegrationException.networkError("could not connect to " + uri.getHost() + ":" + port(uri) + " in time", e);
        } catch (HttpTimeoutException e) {
            throw IntegrationException.timeout(method + " " + redacted(uri) + " got no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw IntegrationException.networkError("could not connect to " + uri.getHost() + ":" + port(uri)
                    + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw IntegrationException.networkError(method + " " + redacted(uri) + " failed: " + e, e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw IntegrationException.invalidInput("the response of " + method + " " + redacted(uri) + " is larger than maxResponseBytes ("
                    + maxBytes + " bytes)");
        }
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("status", response.statusCode());
        output.set("headers", headers(response));
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        output.set("body", body(bytes, contentType, output));
        if (config.path("failOnHttpError").asBoolean(true)) {
            IntegrationException error = HttpErrors.forStatus(response.statusCode(), response.headers(), method + " " + redacted(uri),
                    excerpt(bytes, contentType));
            if (error != null) {
                throw error;
            }
        }
        return ActionResult.of(output);
    }

    private static boolean hasHeader(JsonNode headers, String name) {
        if (headers == null || !headers.isObject()) {
            return false;
        }
        for (Iterator<String> it = headers.fieldNames(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The URL without its user-info and query string, which may carry a password or an API key. */
    static String redacted(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** A URL as given, with its user-info ({@code user:password@}) masked, for messages. */
    static String withoutUserInfo(String url) {
        return url.replaceAll("(?i)^\\s*([a-z][a-z0-9+.-]*://)[^/?#@]*@", "$1****@");
    }

    static URI uri(String url, JsonNode query, HttpAuth auth) {
        List<String> pairs = new ArrayList<>();
        if (query != null && query.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = query.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode value = entry.getValue();
                if (value.isArray()) {
                    value.forEach(v -> pairs.add(pair(entry.getKey(), v)));
                } else if (!value.isNull()) {
                    pairs.add(pair(entry.getKey(), value));
                }
            }
        }
        auth.queryParameter().ifPresent(p -> pairs.add(encode(p.getKey()) + "=" + encode(p.getValue())));
        String full = url;
        if (!pairs.isEmpty()) {
            full += (url.contains("?") ? "&" : "?") + String.join("&", pairs);
        }
        try {
            URI uri = new URI(full);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw IntegrationException.invalidInput("url must be an absolute http(s) URL: " + withoutUserInfo(url));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw IntegrationException.invalidInput("url is not a valid URL (" + e.getReason() + "): " + withoutUserInfo(url));
        }
    }

    private static String pair(String name, JsonNode value) {
        return encode(name) + "=" + encode(value.isTextual() ? value.textValue() : value.toString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private record Body(byte[] bytes, String contentType) {
    }

    private static Body encode(JsonNode body, String bodyType) throws JsonProcessingException {
        return switch (bodyType) {
            case "text" -> new Body((body.isTextual() ? body.textValue() : body.toString()).getBytes(StandardCharsets.UTF_8),
                    "text/plain; charset=utf-8");
            case "form" -> {
                // validate() guarantees an object here, before and after templates are resolved.
                List<String> pairs = new ArrayList<>();
                body.fields().forEachRemaining(e -> {
                    if (e.getValue().isArray()) {
                        e.getValue().forEach(v -> pairs.add(pair(e.getKey(), v)));
                    } else if (!e.getValue().isNull()) {
                        pairs.add(pair(e.getKey(), e.getValue()));
                    }
                });
                yield new Body(String.join("&", pairs).getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
            }
            default -> new Body(JSON.writeValueAsBytes(body), "application/json");
        };
    }

    private static ObjectNode headers(HttpResponse<?> response) {
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        response.headers().map().forEach((name, values) -> {
            if (name.startsWith(":")) {
                return; // HTTP/2 pseudo-headers
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (values.size() == 1) {
                headers.put(key, values.get(0));
            } else {
                values.forEach(v -> headers.withArray(key).add(v));
            }
        });
        return headers;
    }

    private static JsonNode body(byte[] bytes, String contentType, ObjectNode output) {
        if (bytes.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                // Declared JSON but not parseable: hand it over as text rather than fail the node.
                return JsonNodeFactory.instance.textNode(new String(bytes, charset(type)));
            }
        }
        if (type.isEmpty() || type.startsWith("text/") || type.contains("xml") || type.contains("x-www-form-urlencoded")
                || type.contains("javascript")) {
            return JsonNodeFactory.instance.textNode(new String(bytes, charset(type)));
        }
        output.put("bodyEncoding", "base64");
        return JsonNodeFactory.instance.textNode(Base64.getEncoder().encodeToString(bytes));
    }

    private static Charset charset(String contentType) {
        int at = contentType.indexOf("charset=");
        if (at >= 0) {
            String name = contentType.substring(at + 8).split("[;\\s]")[0].replace("\"", "");
            try {
                return Charset.forName(name);
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String excerpt(byte[] bytes, String contentType) {
        String text = new String(bytes, 0, Math.min(bytes.length, 300), charset(contentType.toLowerCase(Locale.ROOT)));
        return text.replaceAll("\\s+", " ").strip();
    }

    @Override
    public List<ConfigurationProblem> validate(JsonNode configuration) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (String field : List.of("query", "headers")) {
            JsonNode value = configuration.get(field);
            if (value != null && !value.isNull() && !value.isObject() && !isTemplate(value)) {
                problems.add(new ConfigurationProblem(field, "expected an object of names to values"));
            }
        }
        JsonNode body = configuration.get("body");
        if ("form".equals(configuration.path("bodyType").asText()) && body != null && !body.isObject() && !body.isNull()
                && !isTemplate(body)) {
            problems.add(new ConfigurationProblem("body", "a form body must be an object of names to values"));
        }
        return problems;
    }

    private static boolean isTemplate(JsonNode value) {
        return value.isTextual() && value.textValue().contains("{{");
    }

    @Override
    public Capabilities getCapabilities() {
        return new Capabilities(ExecutionStyle.BLOCKING, false);
    }
}
