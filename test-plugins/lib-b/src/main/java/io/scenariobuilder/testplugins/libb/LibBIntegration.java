package io.scenariobuilder.testplugins.libb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import java.util.Properties;
import org.apache.commons.lang3.Strings;
import org.pf4j.Extension;

/**
 * Uses {@code org.apache.commons.lang3.Strings}, which exists only from commons-lang3 3.18 (it bundles 3.18.0):
 * given lib-a's 3.8.1 it would fail with NoClassDefFoundError.
 */
@Extension
public final class LibBIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("lib-b", "Library B", "1.0.0", "bundles commons-lang3 3.18.0", null, null,
                List.of(ActionDefinition.builder("probe", context -> {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    Properties properties = new Properties();
                    try (var in = Strings.class.getResourceAsStream("/META-INF/maven/org.apache.commons/commons-lang3/pom.properties")) {
                        properties.load(in);
                    }
                    out.put("library", properties.getProperty("version"));
                    out.put("containsIgnoreCase", Strings.CI.contains("Scenario Builder", "BUILDER"));
                    return ActionResult.of(out);
                }).build()));
    }
}
