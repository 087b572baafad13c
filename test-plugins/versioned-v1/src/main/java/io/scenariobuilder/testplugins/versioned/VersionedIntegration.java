package io.scenariobuilder.testplugins.versioned;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.error.IntegrationException;
import io.scenariobuilder.api.execution.ActionResult;
import io.scenariobuilder.api.field.DynamicFieldConfig;
import io.scenariobuilder.api.field.FieldType;
import io.scenariobuilder.api.integration.ActionDefinition;
import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.pf4j.Extension;

/**
 * One plugin built in two versions (versioned-v1 and versioned-v2 share this source; the version comes from a
 * filtered resource). {@code which} says its version; {@code hold} also waits until the file named in its
 * configuration exists, so tests can keep an execution running on a given version.
 */
@Extension
public final class VersionedIntegration implements Integration {

    private static final String VERSION = readVersion();

    @Override
    public IntegrationManifest manifest() {
        return new IntegrationManifest("versioned", "Versioned", VERSION, "two versions of one plugin", null, null, List.of(
                ActionDefinition.builder("which", context -> ActionResult.of(version())).build(),
                ActionDefinition.builder("hold", context -> {
                    Path release = Path.of(context.configuration().get("file").asText());
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (!Files.exists(release)) {
                        if (System.nanoTime() > deadline) {
                            throw IntegrationException.timeout("release file " + release + " never appeared");
                        }
                        Thread.sleep(5);
                    }
                    return ActionResult.of(version());
                }).field(DynamicFieldConfig.builder("file", FieldType.INPUT).required(true).build()).build()));
    }

    private static ObjectNode version() {
        return JsonNodeFactory.instance.objectNode().put("version", VERSION);
    }

    private static String readVersion() {
        try (InputStream in = VersionedIntegration.class.getResourceAsStream("/versioned.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
