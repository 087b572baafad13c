package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.error.IntegrationException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Base64;
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

    void apply(HttpRequest.Builder request) {
        switch (type) {
            case "bearer" -> request.header("Authorization", "Bearer " + required("token"));
            case "basic" -> {
                String pair = required("username") + ":" + credentials.path("password").asText("");
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            case "apiKeyHeader" -> request.header(credentials.path("apiKeyName").asText("X-API-Key"), required("apiKey"));
            case "apiKeyQuery", "none" -> {
                // apiKeyQuery goes in the URL; see queryParameter()
            }
            default -> throw IntegrationException.invalidInput("unknown authType '" + type
                    + "' in the connection: use none, bearer, basic, apiKeyHeader or apiKeyQuery");
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
