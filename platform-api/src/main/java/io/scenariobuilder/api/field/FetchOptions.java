package io.scenariobuilder.api.field;

import java.util.List;

/**
 * Says that a field's options are fetched by the plugin at design time.
 *
 * <pre>{@code new FetchOptions(List.of("spreadsheetId"), 60_000, false)}</pre>
 *
 * @param dependsOn fields whose values the provider needs; options are fetched again when they change
 * @param cacheTimeout how long fetched options stay valid, in milliseconds (0: not cached)
 * @param allowCustom whether a value outside the options is accepted
 */
public record FetchOptions(List<String> dependsOn, long cacheTimeout, boolean allowCustom) {

    public FetchOptions {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        if (cacheTimeout < 0) {
            throw new IllegalArgumentException("cacheTimeout must not be negative: " + cacheTimeout);
        }
    }
}
