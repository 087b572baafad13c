package ${package};

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.execution.Capabilities;
import io.scenariobuilder.api.execution.ExecutionContext;
import io.scenariobuilder.api.execution.NodeExecutor;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code greet}: outputs {@code {"greeting": "Bonjour, Ada!", "language": "fr"}}. Its {@code language} field is
 * dynamic: the options are fetched for the chosen {@code region}.
 */
final class GreetAction implements NodeExecutor {

    static final Map<String, Map<String, String>> GREETINGS = Map.of(
            "europe", new TreeMap<>(Map.of("en", "Hello", "fr", "Bonjour", "de", "Hallo")),
            "asia", new TreeMap<>(Map.of("ja", "Konnichiwa", "hi", "Namaste")));

    static ActionDefinition definition() {
        return ActionDefinition.builder("greet", new GreetAction())
                .name("Greet someone")
                .description("Outputs a greeting in the chosen language.")
                .field(DynamicFieldConfig.builder("name", FieldType.INPUT).label("Name").required(true).build())
                .field(DynamicFieldConfig.builder("region", FieldType.SELECT).label("Region")
                        .defaultValue(TextNode.valueOf("europe"))
                        .validation(ValidationRules.oneOf(List.of("europe", "asia")))
                        .build())
                .field(DynamicFieldConfig.builder("language", FieldType.SELECT).label("Language").required(true)
                        .fetchOptions(new FetchOptions(List.of("region"), 60_000, false))
                        .build())
                .optionsProvider("language", request -> languages(request.values().get("region").asText()))
                .build();
    }

    static List<FieldOption> languages(String region) {
        Map<String, String> greetings = GREETINGS.get(region);
        if (greetings == null) {
            throw IntegrationException.invalidInput("unknown region '" + region + "'");
        }
        return greetings.keySet().stream().map(code -> FieldOption.of(code + " (" + greetings.get(code) + ")", code)).toList();
    }

    @Override
    public ActionResult execute(ExecutionContext context) {
        String name = context.configuration().get("name").asText();
        String region = context.configuration().path("region").asText("europe");
        String language = context.configuration().get("language").asText();
        String greeting = GREETINGS.getOrDefault(region, Map.of()).get(language);
        if (greeting == null) {
            throw IntegrationException.invalidInput("language '" + language + "' is not offered in region '" + region + "'");
        }
        context.logger().info("greeting " + name + " in " + language);
        return ActionResult.of(JsonNodeFactory.instance.objectNode()
                .put("greeting", greeting + ", " + name + "!")
                .put("language", language));
    }

    @Override
    public Capabilities getCapabilities() {
        return Capabilities.NON_BLOCKING;
    }
}
