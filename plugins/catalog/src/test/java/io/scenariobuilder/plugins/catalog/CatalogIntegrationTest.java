package io.scenariobuilder.plugins.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.testkit.ActionTester;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogIntegrationTest {

    private final ActionTester catalog = ActionTester.of(new CatalogIntegration());

    private static List<String> values(List<FieldOption> options) {
        return options.stream().map(option -> option.value().asText()).toList();
    }

    @Test
    void theChainResolvesCategoryThenProductThenVariant() throws Exception {
        assertThat(values(catalog.fetchOptions("pick-item", "category", null, null))).containsExactly("keyboards", "mice", "monitors");
        assertThat(values(catalog.fetchOptions("pick-item", "product", null, "{\"category\": \"mice\"}")))
                .containsExactly("ms-ergo", "ms-travel");
        assertThat(values(catalog.fetchOptions("pick-item", "variant", null, "{\"product\": \"ms-ergo\"}")))
                .containsExactly("MS-ERG-R", "MS-ERG-L");
        assertThatThrownBy(() -> catalog.fetchOptions("pick-item", "product", null, "{\"category\": \"sofas\"}"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND));
    }

    @Test
    void warehousesComeFromTheConnectionsRegion() throws Exception {
        assertThat(values(catalog.fetchOptions("pick-item", "warehouse", "{\"region\": \"us\"}", null))).containsExactly("iad-1", "sfo-1");
        assertThatThrownBy(() -> catalog.fetchOptions("pick-item", "warehouse", "{}", null))
                .hasMessageContaining("connection's region");
    }

    @Test
    void theConnectionTestAcceptsAKnownRegionOnly() throws Exception {
        var tester = catalog.manifest().connectionType().tester();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        tester.test(json.readTree("{\"region\": \"eu\"}"));
        assertThatThrownBy(() -> tester.test(json.readTree("{\"region\": \"mars\"}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.AUTHENTICATION_FAILED))
                .hasMessageContaining("no catalog account in region 'mars'");
        assertThatThrownBy(() -> tester.test(json.readTree("{}"))).hasMessageContaining("needs a region");
    }

    @Test
    void pickingAnItemGivesItsPriceAndTotal() throws Exception {
        var output = catalog.action("pick-item")
                .configuration("{\"category\": \"keyboards\", \"product\": \"kb-tenkey\", \"variant\": \"KB-TK-DE-BRN\", \"quantity\": 3}")
                .run().output();
        assertThat(output.get("sku").asText()).isEqualTo("KB-TK-DE-BRN");
        assertThat(output.get("total").decimalValue()).isEqualByComparingTo("276");
        assertThatThrownBy(() -> catalog.action("pick-item")
                .configuration("{\"category\": \"mice\", \"product\": \"kb-tenkey\", \"variant\": \"KB-TK-DE-BRN\"}").run())
                .hasMessageContaining("not in category 'mice'");
    }
}
