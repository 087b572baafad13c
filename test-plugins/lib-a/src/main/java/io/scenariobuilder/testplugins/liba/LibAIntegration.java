package io.scenariobuilder.testplugins.liba;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.apache.commons.lang3.StringUtils;
import org.pf4j.Extension;

/** Reports which commons-lang3 it runs with (it bundles 3.8.1) and what its class loader lets it see. */
@Extension
public final class LibAIntegration implements Integration {

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("lib-a", "Library A", "1.0.0", "bundles commons-lang3 3.8.1", null, null,
                List.of(ActionDefinition.builder("probe", context -> {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    out.put("library", libraryVersion());
                    out.put("abbreviated", StringUtils.abbreviate("scenario builder", 10));
                    out.put("libraryFromPlugin", StringUtils.class.getClassLoader() == LibAIntegration.class.getClassLoader());
                    out.put("contextLoaderIsPlugin", Thread.currentThread().getContextClassLoader() == LibAIntegration.class.getClassLoader());
                    out.put("seesHostGuava", visible("com.google.common.collect.ImmutableList"));
                    out.put("seesPlatformCore", visible("io.scenariobuilder.core.engine.ExecutionEngine"));
                    return ActionResult.of(out);
                }).build()));
    }

    static String libraryVersion() {
        try (InputStream in = StringUtils.class.getResourceAsStream("/META-INF/maven/org.apache.commons/commons-lang3/pom.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (Exception e) {
            return "unknown: " + e;
        }
    }

    static boolean visible(String className) {
        try {
            Class.forName(className, false, LibAIntegration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
