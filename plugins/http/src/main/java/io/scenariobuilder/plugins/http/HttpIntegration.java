package io.scenariobuilder.plugins.http;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.FieldUi;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/** The {@code http} integration: one {@code request} action, auth from an optional connection. */
@Extension
public final class HttpIntegration implements Integration {

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    static final List<String> BODY_TYPES = List.of("json", "text", "form");
    static final List<String> AUTH_TYPES = List.of("none", "bearer", "basic", "apiKeyHeader", "apiKeyQuery");

    private final IntegrationManifest manifest = new IntegrationManifest(
            "http",
            "HTTP",
            "1.0.0",
            "Calls any HTTP API: method, URL, query, headers, JSON, text or form body; bearer, basic or API-key auth.",
            null,
            new ConnectionType(List.of(
                    DynamicFieldConfig.builder("authType", FieldType.SELECT).label("Authentication")
                            .description("How credentials are sent; inferred from the fields when absent.")
                            .validation(ValidationRules.oneOf(AUTH_TYPES)).build(),
                    DynamicFieldConfig.builder("token", FieldType.INPUT).label("Bearer token").build(),
                    DynamicFieldConfig.builder("username", FieldType.INPUT).label("User name").build(),
                    DynamicFieldConfig.builder("password", FieldType.INPUT).label("Password").build(),
                    DynamicFieldConfig.builder("apiKey", FieldType.INPUT).label("API key").build(),
                    DynamicFieldConfig.builder("apiKeyName", FieldType.INPUT).label("API key header or query name")
                            .description("Default: X-API-Key as a header, api_key as a query parameter.").build(),
                    DynamicFieldConfig.builder("testUrl", FieldType.INPUT).label("URL to test the credentials with")
                            .description("The connection test sends a GET here and expects a 2xx answer.").build()),
                    new HttpConnectionTester(),
                    Set.of("token", "password", "apiKey")),
            List.of(ActionDefinition.builder("request", new HttpRequestAction())
                    .name("HTTP request")
                    .description("Sends one HTTP request; outputs {status, headers, body} with JSON bodies parsed.")
                    .field(DynamicFieldConfig.builder("method", FieldType.SELECT).label("Method")
                            .defaultValue(TextNode.valueOf("GET")).validation(ValidationRules.oneOf(METHODS)).build())
                    .field(DynamicFieldConfig.builder("url", FieldType.INPUT).label("URL").required(true)
                            .validation(new ValidationRules(null, null, null, 8_192, "(?i)https?://.+", null, null))
                            .ui(new FieldUi("https://api.example.com/orders/{{ trigger.body.id }}", null, null, null, null, null, null))
                            .build())
                    .field(DynamicFieldConfig.builder("query", FieldType.JSON).label("Query parameters")
                            .description("An object of names to values (arrays repeat the name).").build())
                    .field(DynamicFieldConfig.builder("headers", FieldType.JSON).label("Headers")
                            .description("An object of header names to values.").build())
                    .field(DynamicFieldConfig.builder("body", FieldType.JSON).label("Body").build())
                    .field(DynamicFieldConfig.builder("bodyType", FieldType.SELECT).label("Body type")
                            .defaultValue(TextNode.valueOf("json")).validation(ValidationRules.oneOf(BODY_TYPES)).build())
                    .field(DynamicFieldConfig.builder("timeoutMs", FieldType.NUMBER).label("Timeout (ms)")
                            .defaultValue(IntNode.valueOf(30_000)).validation(ValidationRules.range(1, 600_000)).build())
                    .field(DynamicFieldConfig.builder("followRedirects", FieldType.BOOLEAN).label("Follow redirects")
                            .defaultValue(BooleanNode.TRUE).build())
                    .field(DynamicFieldConfig.builder("failOnHttpError", FieldType.BOOLEAN).label("Fail on 4xx and 5xx")
                            .description("When off, every answer is the node's output and the scenario decides.")
                            .defaultValue(BooleanNode.TRUE).build())
                    .field(DynamicFieldConfig.builder("maxResponseBytes", FieldType.NUMBER).label("Largest response body")
                            .defaultValue(IntNode.valueOf(HttpRequestAction.DEFAULT_MAX_RESPONSE_BYTES))
                            .validation(ValidationRules.range(0, 256L * 1024 * 1024)).build())
                    .defaultRetryPolicy(new RetryPolicy(3, 1_000, 2.0, 30_000, true))
                    .build()));

    @Override
    public IntegrationManifest manifest() {
        return manifest;
    }
}
