package ${package};

import io.scenariobuilder.api.integration.Integration;
import io.scenariobuilder.api.integration.IntegrationManifest;
import java.util.List;
import org.pf4j.Extension;

/** The integration this plugin provides. PF4J finds it through {@code @Extension}. */
@Extension
public final class GreetingIntegration implements Integration {

    /** The integration id scenarios use as {@code integrationId}. */
    public static final String ID = "${artifactId}";

    private final IntegrationManifest manifest = new IntegrationManifest(
            ID,
            "${artifactId}",
            "1.0.0",
            "Greets people in their own language (an example to replace with your own actions).",
            null,
            null,
            List.of(GreetAction.definition()));

    @Override
    public IntegrationManifest manifest() {
        return manifest;
    }
}
