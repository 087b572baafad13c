package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.error.IntegrationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a connection's credentials go on a request: bearer, basic, or an API key in a header or the query. */
record HttpAuth(String type, JsonNode credentials) {

    static HttpAuth from(JsonNode credentials) {
        String type = credentials.path("authType").asText("");
        if (type.isEmpty()) {
            type = credentials.hasNonNull("token") ? "bearer"
                    : credentials.hasNonNull("username") ? "basic"
                    : credentials.hasNonNull("apiKey") ? "apiKeyHeader"
                    : "none";
        }
        return new HttpAuth(type, credentials);
    }

    /** The headers that carry the credentials (none for {@code none} and {@code apiKeyQuery}). */
    Map<String, String> headers() {
        return switch (type) {
            case "bearer" -> Map.of("Authorization", "Bearer " + required("token"));
            case "basic" -> {
                String pair = required("username") + ":" + credentials.path("password").asText("");
                yield Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            case "apiKeyHeader" -> Map.of(credentials.path("apiKeyName").asText("X-API-Key"), required("apiKey"));
            case "apiKeyQuery", "none" -> Map.of(); // apiKeyQuery goes in the URL; see queryParameter()
            default -> throw IntegrationException.invalidInput("unknown authType '" + type
                    + "' in the connection: use none, bearer, basic, apiKeyHeader or apiKeyQuery");
        };
    }

    /** Whether these credentials put anything secret on a request. */
    boolean sendsCredentials() {
        return !type.equals("none");
    }

    /**
     * Where these credentials may go: the connection's {@code allowedHosts} when it sets them, else the host of its
     * {@code testUrl}, else nowhere.
     */
    List<String> allowedHosts(Optional<List<String>> fromConnection) {
        if (fromConnection.isPresent()) {
            return fromConnection.get();
        }
        String testUrl = credentials.path("testUrl").asText("");
        try {
            String host = testUrl.isEmpty() ? null : URI.create(testUrl).getHost();
            return host == null ? List.of() : List.of(host);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    Optional<Map.Entry<String, String>> queryParameter() {
        if (!type.equals("apiKeyQuery")) {
            return Optional.empty();
        }
        return Optional.of(new AbstractMap.SimpleImmutableEntry<>(credentials.path("apiKeyName").asText("api_key"), required("apiKey")));
    }

    private String required(String field) {
        JsonNode value = credentials.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw IntegrationException.invalidInput("the connection's " + type + " authentication needs '" + field + "'");
        }
        return value.asText();
    }
}
