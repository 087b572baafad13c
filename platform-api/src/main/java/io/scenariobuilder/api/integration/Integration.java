package io.scenariobuilder.api.integration;

import org.pf4j.ExtensionPoint;

/**
 * The extension point a plugin implements, once per integration it provides. Mark the class with PF4J's
 * {@code @Extension} so the platform finds it.
 *
 * <pre>{@code
 * @Extension
 * public final class AcmeIntegration implements Integration {
 *     public IntegrationManifest manifest() {
 *         return new IntegrationManifest("acme", "Acme", "1.0.0", "Acme CRM", null, null,
 *                 List.of(ActionDefinition.builder("find-contact", new FindContact())
 *                         .name("Find a contact")
 *                         .field(DynamicFieldConfig.builder("email", FieldType.INPUT).required(true).build())
 *                         .build()));
 *     }
 * }
 * }</pre>
 */
public interface Integration extends ExtensionPoint {

    /** Describes the integration and its actions. Called once when the plugin starts; keep it cheap. */
    IntegrationManifest manifest();
}
