package io.scenariobuilder.testplugins.allfields;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.field.FieldUi;
import io.scenariobuilder.api.field.ValidationRules;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/** One action with a field of every type in the SPI, for the builder's form: it outputs its configuration. */
@Extension
public final class AllFieldsIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("all-fields", "All fields", "1.0.0", "A field of every type.", null, null,
                List.of(ActionDefinition.builder("echo", context -> ActionResult.of(context.configuration()))
                        .name("Echo its fields")
                        .field(DynamicFieldConfig.builder("title", FieldType.INPUT).label("Title").required(true)
                                .ui(new FieldUi("a short title", null, null, null, null, null, null)).build())
                        .field(DynamicFieldConfig.builder("notes", FieldType.TEXTAREA).label("Notes").build())
                        .field(DynamicFieldConfig.builder("color", FieldType.SELECT).label("Colour")
                                .defaultValue(TextNode.valueOf("green")).validation(ValidationRules.oneOf(List.of("red", "green", "blue"))).build())
                        .field(DynamicFieldConfig.builder("tags", FieldType.MULTI_SELECT).label("Tags")
                                .validation(ValidationRules.oneOf(List.of("urgent", "billing", "vip"))).build())
                        .field(DynamicFieldConfig.builder("day", FieldType.DATE).label("Day").build())
                        .field(DynamicFieldConfig.builder("at", FieldType.DATETIME).label("At").build())
                        .field(DynamicFieldConfig.builder("count", FieldType.NUMBER).label("Count")
                                .defaultValue(IntNode.valueOf(2)).validation(ValidationRules.range(1, 10)).build())
                        .field(DynamicFieldConfig.builder("enabled", FieldType.BOOLEAN).label("Enabled").build())
                        .field(DynamicFieldConfig.builder("payload", FieldType.JSON).label("Payload").build())
                        .field(DynamicFieldConfig.builder("pick", FieldType.TEXTAREA).label("Pick")
                                .ui(FieldUi.jsonata("a JSONata expression")).build())
                        .build()));
    }
}
