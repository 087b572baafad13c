package io.scenariobuilder.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.core.store.InMemoryCredentialStore;
import io.scenariobuilder.core.testing.TestEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A careless plugin that logs its credentials, or puts them in its error, shows them nowhere. */
class CredentialMaskingTest {

    @Test
    void aPluginsOwnCredentialsAreMaskedInItsLogLinesAndItsError() {
        NodeExecutor careless = new NodeExecutor() {
            @Override
            public ActionResult execute(ExecutionContext context) {
                String token = context.credentials().path("token").asText();
                context.logger().info("calling with token " + token + " and Authorization: Bearer " + token);
                throw IntegrationException.networkError("upstream said: bad token " + token, null);
            }
        };
        try (TestEngine t = new TestEngine()) {
            t.install(new IntegrationManifest("careless", "Careless", "1.0.0", "logs what it should not", null,
                    new ConnectionType(List.of(DynamicFieldConfig.builder("token", FieldType.INPUT).build()), null),
                    List.of(ActionDefinition.builder("call", careless).name("Call").build())));
            t.injector.getInstance(InMemoryCredentialStore.class).put("conn", TestEngine.json("{\"token\": \"hunter2-abcdef\"}"));
            ExecutionResult result = t.run("""
                    {"id": "c", "nodes": [{"id": "n", "integrationId": "careless", "actionId": "call", "connectionId": "conn",
                      "retryPolicy": {"maxAttempts": 1}}]}""");
            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.requireNode("n").error().message()).isEqualTo("upstream said: bad token ****");
            assertThat(t.store.logs(result.id())).extracting(LogEntry::message)
                    .contains("calling with token **** and Authorization: Bearer ****")
                    .allSatisfy(line -> assertThat(line).doesNotContain("hunter2"));
        }
    }
}
