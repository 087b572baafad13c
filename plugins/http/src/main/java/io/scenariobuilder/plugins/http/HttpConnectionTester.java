package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.integration.ConnectionTester;
import java.net.http.HttpRequest;
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
        HttpRequest.Builder request = HttpRequest.newBuilder(HttpRequestAction.uri(url, JsonNodeFactory.instance.objectNode(), auth))
                .timeout(Duration.ofSeconds(15)).GET();
        auth.apply(request);
        HttpResponse<String> response = HttpClients.get(true).send(request.build(), HttpResponse.BodyHandlers.ofString());
        IntegrationException error = HttpErrors.forStatus(response.statusCode(), response.headers(), "GET " + url.replaceAll("\\?.*", ""), "");
        if (error != null) {
            throw error;
        }
    }
}
