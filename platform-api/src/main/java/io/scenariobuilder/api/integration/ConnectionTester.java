package io.scenariobuilder.api.integration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks that credentials work, for the connection "test" button.
 *
 * <pre>{@code credentials -> { if (!client.ping(credentials.path("apiKey").asText())) throw IntegrationException.authenticationFailed("key refused"); }}</pre>
 */
@FunctionalInterface
public interface ConnectionTester {

    /** Returns normally when the credentials work; throws a typed {@code IntegrationException} when not. */
    void test(JsonNode credentials) throws Exception;
}
