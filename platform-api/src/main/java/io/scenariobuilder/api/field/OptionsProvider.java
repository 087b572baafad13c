package io.scenariobuilder.api.field;

import java.util.List;

/**
 * Fetches a field's options at design time, e.g. the sheets of a spreadsheet chosen in another field.
 *
 * <pre>{@code request -> api.listSheets(request.credentials(), request.values().path("spreadsheetId").asText())
 *         .stream().map(s -> FieldOption.of(s.title(), s.id())).toList()}</pre>
 */
@FunctionalInterface
public interface OptionsProvider {

    /** Returns the options; may block (it runs on a virtual thread). Throw a typed exception on failure. */
    List<FieldOption> fetch(OptionsRequest request) throws Exception;
}
