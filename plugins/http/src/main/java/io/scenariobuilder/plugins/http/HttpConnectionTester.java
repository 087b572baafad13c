package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.integration.ConnectionTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Tests a connection with a GET to its {@code testUrl}, credentials applied; any non-2xx answer fails it. */
final class HttpConnectionTester implements ConnectionTester {

    @Override
    public void test(JsonNode credentials) throws Exception {
        String url = credentials.path("testUrl").asText("");
        if (url.isEmpty()) {
            throw IntegrationException.invalidInput("set testUrl in the connection to test it (a GET there must answer 2xx)");
        }
        HttpAuth auth = HttpAuth.from(credentials);
        URI uri = HttpRequestAction.uri(url, JsonNodeFactory.instance.objectNode(), auth);
        HttpResponse<java.io.InputStream> response = new HttpExchange("GET", uri, java.util.Map.of(), auth.headers(), null,
                Duration.ofSeconds(15)).send(true);
        response.body().close();
        IntegrationException error = HttpErrors.forStatus(response.statusCode(), response.headers(), "GET " + HttpRequestAction.redacted(uri), "");
        if (error != null) {
            throw error;
        }
    }
}
