package io.scenariobuilder.api.integration;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an integration is and what it can do.
 *
 * <pre>{@code new IntegrationManifest("acme", "Acme", "1.0.0", "Acme CRM", null, null, List.of(findContact))}</pre>
 *
 * @param id unique id, {@code [a-z0-9][a-z0-9_-]{0,63}}; scenarios name it as {@code integrationId}
 * @param name display name
 * @param version the integration's version
 * @param description what it connects to
 * @param icon an icon URL or data URI, or {@code null}
 * @param connectionType the credentials it needs, or {@code null} when it needs none
 * @param actions its actions, at least one, with unique ids
 */
public record IntegrationManifest(
        String id,
        String name,
        String version,
        String description,
        String icon,
        ConnectionType connectionType,
        List<ActionDefinition> actions) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public IntegrationManifest {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("integration id must match " + ID.pattern() + ": '" + id + "'");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = Objects.requireNonNullElse(description, "");
        actions = List.copyOf(actions);
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("integration '" + id + "' declares no action");
        }
        Set<String> seen = new HashSet<>();
        for (ActionDefinition action : actions) {
            if (!seen.add(action.id())) {
                throw new IllegalArgumentException("integration '" + id + "' declares action '" + action.id() + "' twice");
            }
        }
    }

    /** The action with this id, if any. */
    public Optional<ActionDefinition> action(String actionId) {
        for (ActionDefinition action : actions) {
            if (action.id().equals(actionId)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
