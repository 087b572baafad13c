package io.scenariobuilder.plugins.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.field.FieldOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog the plugin bundles ({@code catalog.json}): categories, their products, their variants, and the warehouses
 * of each region. It stands for a real product API: every look-up can be slowed down by the connection's
 * {@code latencyMs}, to see the platform's option cache at work.
 */
final class Catalog {

    static final Catalog BUNDLED = load();

    private final JsonNode data;

    private Catalog(JsonNode data) {
        this.data = data;
    }

    private static Catalog load() {
        try (InputStream in = Catalog.class.getResourceAsStream("catalog.json")) {
            if (in == null) {
                throw new IllegalStateException("catalog.json is missing from the catalog plugin");
            }
            return new Catalog(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled catalog.json", e);
        }
    }

    List<FieldOption> categories() {
        List<FieldOption> options = new ArrayList<>();
        data.get("categories").forEach(category -> options.add(FieldOption.of(category.get("name").asText(), category.get("id").asText())));
        return options;
    }

    List<FieldOption> products(String categoryId) {
        JsonNode category = find(data.get("categories"), "id", categoryId)
                .orElseThrow(() -> IntegrationException.resourceNotFound("no category '" + categoryId + "' in the catalog"));
        List<FieldOption> options = new ArrayList<>();
        category.get("products").forEach(product -> options.add(FieldOption.of(product.get("name").asText(), product.get("id").asText())));
        return options;
    }

    List<FieldOption> variants(String productId) {
        JsonNode product = product(productId);
        List<FieldOption> options = new ArrayList<>();
        product.get("variants").forEach(variant -> options.add(FieldOption.of(
                variant.get("name").asText() + " (" + variant.get("price").asText() + ")", variant.get("sku").asText())));
        return options;
    }

    List<FieldOption> warehouses(String region) {
        JsonNode warehouses = data.get("warehouses").get(region);
        if (warehouses == null) {
            throw IntegrationException.invalidInput("no warehouses in region '" + region + "' (regions: eu, us, apac)");
        }
        List<FieldOption> options = new ArrayList<>();
        warehouses.forEach(w -> options.add(FieldOption.of(w.get("name").asText() + " (" + w.get("id").asText() + ")", w.get("id").asText())));
        return options;
    }

    JsonNode product(String productId) {
        for (JsonNode category : data.get("categories")) {
            Optional<JsonNode> product = find(category.get("products"), "id", productId);
            if (product.isPresent()) {
                return product.get();
            }
        }
        throw IntegrationException.resourceNotFound("no product '" + productId + "' in the catalog");
    }

    JsonNode variant(String productId, String sku) {
        return find(product(productId).get("variants"), "sku", sku)
                .orElseThrow(() -> IntegrationException.resourceNotFound("product '" + productId + "' has no variant '" + sku + "'"));
    }

    private static Optional<JsonNode> find(JsonNode array, String key, String value) {
        for (JsonNode element : array) {
            if (element.path(key).asText().equals(value)) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }

    /** The connection's simulated latency: a real catalog API takes time to answer. */
    static void simulateLatency(JsonNode credentials) throws InterruptedException {
        long millis = credentials.path("latencyMs").asLong(0);
        if (millis > 0) {
            Thread.sleep(Duration.ofMillis(Math.min(millis, 60_000)));
        }
    }
}
