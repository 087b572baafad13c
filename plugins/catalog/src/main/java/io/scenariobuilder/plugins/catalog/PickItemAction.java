package io.scenariobuilder.plugins.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import java.math.BigDecimal;

/** {@code pick-item}: the chosen variant, its price and the line total. Reads the bundled catalog; never blocks. */
final class PickItemAction implements NodeExecutor {

    @Override
    public ActionResult execute(ExecutionContext context) {
        JsonNode configuration = context.configuration();
        String category = configuration.get("category").asText();
        String productId = configuration.get("product").asText();
        String sku = configuration.get("variant").asText();
        int quantity = configuration.path("quantity").asInt(1);
        boolean inCategory = Catalog.BUNDLED.products(category).stream().anyMatch(option -> option.value().asText().equals(productId));
        if (!inCategory) {
            throw IntegrationException.invalidInput("product '" + productId + "' is not in category '" + category + "'");
        }
        JsonNode product = Catalog.BUNDLED.product(productId);
        JsonNode variant = Catalog.BUNDLED.variant(productId, sku);
        BigDecimal price = variant.get("price").decimalValue();
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("sku", sku);
        output.put("category", category);
        output.put("product", product.get("name").asText());
        output.put("variant", variant.get("name").asText());
        output.put("price", price);
        output.put("quantity", quantity);
        output.put("total", price.multiply(BigDecimal.valueOf(quantity)));
        if (configuration.hasNonNull("warehouse")) {
            output.put("warehouse", configuration.get("warehouse").asText());
        }
        context.logger().info("picked " + quantity + " x " + sku);
        return ActionResult.of(output);
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
