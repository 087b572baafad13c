package io.scenariobuilder.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.IntegrationManifest;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpiRecordsTest {

    private final NodeExecutor echo = context -> ActionResult.of(context.input());

    @Test
    void theApiVersionIsFilteredIntoTheJar() {
        assertThat(PlatformApi.VERSION).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void manifestsRejectBadIdsDuplicatesAndEmptiness() {
        ActionDefinition a = ActionDefinition.builder("a", echo).build();
        assertThatThrownBy(() -> new IntegrationManifest("Bad Id", "x", "1", null, null, null, List.of(a)))
                .hasMessageContaining("integration id must match");
        assertThatThrownBy(() -> new IntegrationManifest("x", "x", "1", null, null, null, List.of()))
                .hasMessageContaining("declares no action");
        assertThatThrownBy(() -> new IntegrationManifest("x", "x", "1", null, null, null, List.of(a, a)))
                .hasMessageContaining("declares action 'a' twice");
        assertThatThrownBy(() -> ActionDefinition.builder("a", echo)
                .field(DynamicFieldConfig.builder("f", FieldType.INPUT).build())
                .field(DynamicFieldConfig.builder("f", FieldType.INPUT).build()).build())
                .hasMessageContaining("declares field 'f' twice");
        assertThatThrownBy(() -> ActionDefinition.builder("a", echo).optionsProvider("ghost", r -> List.of()).build())
                .hasMessageContaining("unknown field 'ghost'");
        assertThatThrownBy(() -> DynamicFieldConfig.builder("1bad", FieldType.INPUT).build()).hasMessageContaining("field name");
        assertThatThrownBy(() -> new ValidationRules(null, null, null, null, "(", null, null)).hasMessageContaining("pattern");
        assertThatThrownBy(() -> new FetchOptions(null, -1, false)).hasMessageContaining("cacheTimeout");
        assertThatThrownBy(() -> new RetryPolicy(0, 1, 2, 1, true)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(1, 1, 0.5, 1, true)).hasMessageContaining("backoffMultiplier");
    }

    @Test
    void fieldSpecsSerialiseWithTheSpecsNames() throws Exception {
        var field = DynamicFieldConfig.builder("level", FieldType.MULTI_SELECT)
                .validation(ValidationRules.oneOf(List.of("a", "b"))).required(true).build();
        String json = new ObjectMapper().writeValueAsString(field);
        assertThat(json).contains("\"type\":\"multi-select\"").contains("\"enum\":[\"a\",\"b\"]").contains("\"required\":true");
        assertThat(FieldType.fromId("multi-select")).contains(FieldType.MULTI_SELECT);
        assertThat(FieldType.fromId("nope")).isEmpty();
    }

    @Test
    void integrationExceptionsCarryTypeRetryabilityAndRetryAfter() {
        var limited = IntegrationException.rateLimited(Duration.ofSeconds(2));
        assertThat(limited.type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(IntegrationException.resourceNotFound("x").retryable()).isFalse();
        assertThat(IntegrationException.timeout("x").retryable()).isTrue();
        assertThat(IntegrationException.networkError("x", null).type()).isEqualTo(ErrorType.NETWORK_ERROR);
        assertThat(IntegrationException.invalidInput("x").retryable()).isFalse();
        assertThat(IntegrationException.genericError("x", null).retryable()).isTrue();
        assertThatThrownBy(() -> new IntegrationException(ErrorType.TIMEOUT, "x", true, Duration.ofSeconds(-1), null))
                .hasMessageContaining("negative");
        assertThat(ActionResult.of(null).output().isNull()).isTrue();
    }

    @Test
    void aConnectionTypeMarksItsSecretsAndTreatsEverythingElseAsSecretWhenItMarksNone() {
        List<DynamicFieldConfig> fields = List.of(DynamicFieldConfig.builder("user", FieldType.INPUT).build(),
                DynamicFieldConfig.builder("apiKey", FieldType.INPUT).build());
        ConnectionType marked = new ConnectionType(fields, null, Set.of("apiKey"));
        assertThat(marked.isSecret("apiKey")).isTrue();
        assertThat(marked.isSecret("user")).isFalse();
        assertThat(marked.isSecret("tokenSavedBeforeChecks")).as("a key it does not know").isTrue();
        ConnectionType older = new ConnectionType(fields, null);
        assertThat(older.secretFields()).containsExactly("user", "apiKey");
        assertThatThrownBy(() -> new ConnectionType(fields, null, Set.of("pasword")))
                .hasMessage("secret field 'pasword' is not one of the fields [user, apiKey]");
    }
}
