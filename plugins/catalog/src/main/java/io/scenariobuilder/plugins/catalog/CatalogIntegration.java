package io.scenariobuilder.plugins.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.FieldUi;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.ConnectionType;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code catalog} integration: one {@code pick-item} action whose fields resolve in a chain, {@code category} ->
 * {@code product} -> {@code variant}, each fetched for the value of the one before; and a {@code warehouse} whose options
 * come from the connection's region. The connection is optional except for the warehouse; its test checks the region.
 */
@Extension
public final class CatalogIntegration implements Integration {

    static final List<String> REGIONS = List.of("eu", "us", "apac");

    /** A parcel, 16 x 16, as a data URI: the page shows icons from data URIs only (nothing is fetched elsewhere). */
    static final String ICON = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxNiAxNiI+PHJlY3QgeD0iMS41IiB5PSI0IiB3aWR0aD0iMTMiIGhlaWdodD0iMTAuNSIgcng9IjEuNSIgZmlsbD0iI2YyYzE0ZSIgc3Ryb2tlPSIjN2E1YTAwIi8+PHBhdGggZD0iTTEuNSA3aDEzTTYgNFYxLjVoNFY0IiBmaWxsPSJub25lIiBzdHJva2U9IiM3YTVhMDAiLz48L3N2Zz4=";

    private final IntegrationManifest manifest = new IntegrationManifest(
            "catalog",
            "Product catalog",
            "1.0.0",
            "Picks an item from a product catalog: category, then product, then variant, each offered for the one before.",
            ICON,
            new ConnectionType(List.of(
                    DynamicFieldConfig.builder("region", FieldType.SELECT).label("Region")
                            .description("The catalog account's region: which warehouses it ships from.")
                            .validation(ValidationRules.oneOf(REGIONS)).build(),
                    DynamicFieldConfig.builder("latencyMs", FieldType.NUMBER).label("Simulated latency (ms)")
                            .description("How long each catalog look-up takes: to see the option cache at work.")
                            .validation(ValidationRules.range(0, 60_000)).build()),
                    CatalogIntegration::testConnection,
                    Set.of()),
            List.of(ActionDefinition.builder("pick-item", new PickItemAction())
                    .name("Pick a catalog item")
                    .description("Outputs the chosen variant with its price and the line total: {sku, product, variant, price, "
                            + "quantity, total, warehouse}.")
                    .field(DynamicFieldConfig.builder("category", FieldType.SELECT).label("Category").required(true)
                            .fetchOptions(new FetchOptions(List.of(), 300_000, false)).build())
                    .field(DynamicFieldConfig.builder("product", FieldType.SELECT).label("Product").required(true)
                            .fetchOptions(new FetchOptions(List.of("category"), 60_000, false)).build())
                    .field(DynamicFieldConfig.builder("variant", FieldType.SELECT).label("Variant").required(true)
                            .fetchOptions(new FetchOptions(List.of("product"), 60_000, false)).build())
                    .field(DynamicFieldConfig.builder("quantity", FieldType.NUMBER).label("Quantity")
                            .defaultValue(IntNode.valueOf(1)).validation(ValidationRules.range(1, 10_000))
                            .ui(new FieldUi(null, null, null, 1.0, 10_000.0, 1.0, null)).build())
                    .field(DynamicFieldConfig.builder("warehouse", FieldType.SELECT).label("Ship from")
                            .description("A warehouse of the connection's region (needs a connection).")
                            .fetchOptions(new FetchOptions(List.of(), 600_000, false)).build())
                    .optionsProvider("category", request -> {
                        Catalog.simulateLatency(request.credentials());
                        return Catalog.BUNDLED.categories();
                    })
                    .optionsProvider("product", request -> {
                        Catalog.simulateLatency(request.credentials());
                        return Catalog.BUNDLED.products(request.values().get("category").asText());
                    })
                    .optionsProvider("variant", request -> {
                        Catalog.simulateLatency(request.credentials());
                        return Catalog.BUNDLED.variants(request.values().get("product").asText());
                    })
                    .optionsProvider("warehouse", request -> {
                        String region = request.credentials().path("region").asText("");
                        if (region.isEmpty()) {
                            throw IntegrationException.invalidInput("the warehouses depend on the connection's region: choose a "
                                    + "catalog connection with a region");
                        }
                        Catalog.simulateLatency(request.credentials());
                        return Catalog.BUNDLED.warehouses(region);
                    })
                    .build()));

    /** The connection test: the catalog account answers for a known region only. */
    static void testConnection(JsonNode credentials) throws InterruptedException {
        String region = credentials.path("region").asText("");
        if (!REGIONS.contains(region)) {
            throw IntegrationException.authenticationFailed(region.isEmpty() ? "the catalog account needs a region (" + String.join(", ", REGIONS) + ")"
                    : "no catalog account in region '" + region + "' (" + String.join(", ", REGIONS) + ")");
        }
        Catalog.simulateLatency(credentials);
    }

    @Override
    public IntegrationManifest manifest() {
        return manifest;
    }
}
