package io.scenariobuilder.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Malformed JSON is told with one line and column and one sentence, not the parser's internals (issue 17). */
class JsonSyntaxTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String describe(String text) {
        try {
            JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonSyntax.describe(e);
        }
        return fail("parsed: " + text);
    }

    @Test
    void aMisplacedCloserNamesOnePlaceAndNoParserSettings() {
        assertThat(describe("{\"id\": \"x\", \"nodes\": [}"))
                .isEqualTo("at line 1, column 23 (unexpected close marker '}': expected ']')");
    }

    @Test
    void aFileCutShortSaysSoWithoutWhereItsObjectStarted() {
        assertThat(describe("{\n  \"nodes\": [\n")).isEqualTo("at line 3, column 1 (unexpected end-of-input: expected close marker for Array)");
    }

    @Test
    void aStrayCharacterIsNamedWithoutItsCharacterCode() {
        assertThat(describe("{\"a\": 1,\n x}"))
                .isEqualTo("at line 2, column 2 (unexpected character ('x'): was expecting double-quote to start field name)");
    }
}
