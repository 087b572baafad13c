package io.scenariobuilder.testplugins.badfields;

import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FetchOptions;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/** Never registered: its action's fields depend on each other in a cycle (sheet -> tab -> sheet). */
@Extension
public final class BadFieldsIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("bad-fields", "Bad fields", "1.0.0", "", null, null,
                List.of(ActionDefinition.builder("read", context -> ActionResult.of(context.input()))
                        .field(DynamicFieldConfig.builder("sheet", FieldType.SELECT)
                                .fetchOptions(new FetchOptions(List.of("tab"), 60_000, false)).build())
                        .field(DynamicFieldConfig.builder("tab", FieldType.SELECT)
                                .fetchOptions(new FetchOptions(List.of("sheet"), 60_000, false)).build())
                        .optionsProvider("sheet", request -> List.of(FieldOption.of("Sheet 1", "s1")))
                        .optionsProvider("tab", request -> List.of(FieldOption.of("Tab 1", "t1")))
                        .build()));
    }
}
