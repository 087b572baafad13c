package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scenariobuilder.api.error.ErrorType;
import io.scenariobuilder.api.field.FieldOption;
import io.scenariobuilder.testkit.ActionTester;
import org.junit.jupiter.api.Test;

class GreetActionTest {

    private final ActionTester plugin = ActionTester.of(new GreetingIntegration());

    @Test
    void greetsInTheChosenLanguage() throws Exception {
        var result = plugin.action("greet").configuration("{\"name\": \"Ada\", \"language\": \"fr\"}").run();
        assertThat(result.output().get("greeting").asText()).isEqualTo("Bonjour, Ada!");
    }

    @Test
    void aLanguageNotOfferedInTheRegionIsInvalidInput() {
        var error = plugin.action("greet").configuration("{\"name\": \"Ada\", \"region\": \"asia\", \"language\": \"fr\"}")
                .runExpectingError();
        assertThat(error.type()).isEqualTo(ErrorType.INVALID_INPUT);
    }

    @Test
    void aMissingNameIsRefusedBeforeTheActionRuns() {
        assertThatThrownBy(() -> plugin.action("greet").configuration("{\"language\": \"fr\"}").run())
                .hasMessageContaining("required field 'name' is missing");
    }

    @Test
    void languageOptionsDependOnTheRegion() throws Exception {
        assertThat(plugin.fetchOptions("greet", "language", null, "{\"region\": \"asia\"}"))
                .extracting(FieldOption::label).containsExactly("hi (Namaste)", "ja (Konnichiwa)");
        assertThatThrownBy(() -> plugin.fetchOptions("greet", "language", null, "{}")).hasMessageContaining("region");
    }
}
