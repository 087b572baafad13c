package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Malformed JSON told in one sentence: one line and column, and what was wrong there, without the parser's
 * internals. Jackson's own message names a second location (where the enclosing array or object started) and its
 * settings ({@code StreamReadFeature...}); neither helps someone fixing a file.
 */
public final class JsonSyntax {

    /** "(for Array starting at [Source: ...])", "(start marker at [Source: ...])", "(code 120)" and "at [Source: ...]". */
    private static final Pattern NOISE = Pattern.compile(
            "\\s*\\((?:for \\w+ starting at|start marker at) \\[Source:.*|\\s*\\(code \\d+\\)|\\s*(?:at )?\\[Source:.*", Pattern.DOTALL);

    private JsonSyntax() {
    }

    /**
     * Where and what: {@code at line 1, column 23 (unexpected close marker '}': expected ']')}.
     */
    public static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr() + " ";
        String what = NOISE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("").strip();
        if (!what.isEmpty()) {
            what = what.substring(0, 1).toLowerCase(Locale.ROOT) + what.substring(1);
        }
        return where + "(" + what + ")";
    }
}
