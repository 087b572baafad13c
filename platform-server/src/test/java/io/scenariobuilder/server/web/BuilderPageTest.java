package io.scenariobuilder.server.web;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The builder's first view in a real browser: name a scenario, see a schedule's next run times, add two nodes from the
 * installed actions, connect them, have a cycle refused by name, undo and redo, see the server's problems as you go,
 * and save. No browser console errors.
 */
class BuilderPageTest extends BrowserTestBase {

    private WebElement byTestId(String id) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='" + id + "']")));
    }

    private void type(String id, String text) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    @Test
    void aUserDrawsATwoNodeScenarioOnAScheduleAndSavesIt() {
        browser.get(base() + "/#/builder");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(ADMIN_KEY);
        browser.findElement(By.xpath("//button[normalize-space()='Use this key']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='builder']")));

        type("scenario-id", "morning");
        type("scenario-name", "Morning report");
        // An empty scenario is not valid: the server says so, under Problems.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problems']")));

        // A schedule: its next three run times, as the scheduler computes them.
        new Select(browser.findElement(By.id("trigger-type"))).selectByValue("schedule");
        type("trigger-cron", "0 9 * * 1-5");
        type("trigger-timezone", "Europe/Paris");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid='next-runs'] li"), 3));
        assertThat(browser.findElement(By.cssSelector("[data-testid='next-runs'] li")).getText())
                .as("9:00 in Paris, winter or summer time").matches(".*T09:00(:00)?\\+0[12]:00");

        // Two nodes from the palette, found by searching.
        type("palette-search", "noop");
        byTestId("add-core-noop").click();
        byTestId("add-core-noop").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='builder-node-noop-2']")));

        // Connected; the way back would close a cycle, and is refused by name.
        new Select(browser.findElement(By.id("connect-from"))).selectByValue("noop");
        new Select(browser.findElement(By.id("connect-to"))).selectByValue("noop-2");
        browser.findElement(By.xpath("//button[normalize-space()='Connect']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='edge-noop-noop-2']")));
        new Select(browser.findElement(By.id("connect-from"))).selectByValue("noop-2");
        new Select(browser.findElement(By.id("connect-to"))).selectByValue("noop");
        browser.findElement(By.xpath("//button[normalize-space()='Connect']")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='edit-error']"))).getText())
                .isEqualTo("this connection would make a cycle: noop-2 -> noop -> noop-2");

        // Undo takes the connection back, redo brings it again.
        byTestId("undo").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid='edge-noop-noop-2']"), 0));
        byTestId("redo").click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='edge-noop-noop-2']")));

        // Valid now: nothing under Problems. Saved, it opens as a scenario.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='no-problems']")));
        byTestId("save").click();
        wait.until(ExpectedConditions.urlContains("#/scenarios/morning"));
        JsonNode saved = h.get("/api/v1/scenarios/morning").body();
        assertThat(saved.get("name").asText()).isEqualTo("Morning report");
        assertThat(saved.at("/trigger/type").asText()).isEqualTo("schedule");
        assertThat(saved.at("/trigger/cron").asText()).isEqualTo("0 9 * * 1-5");
        assertThat(saved.at("/trigger/timezone").asText()).isEqualTo("Europe/Paris");
        assertThat(saved.get("nodes")).extracting(n -> n.get("id").asText()).containsExactly("noop", "noop-2");
        assertThat(saved.get("connections")).hasSize(1);
        assertThat(saved.at("/connections/0/fromNodeId").asText()).isEqualTo("noop");

        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }

    /** Waits until the select has the option, then chooses it. */
    private void choose(String id, String value) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + id + " option[value='" + value + "']")));
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id)));
        new Select(browser.findElement(By.id(id))).selectByValue(value);
    }

    private String chosen(String id) {
        return new Select(browser.findElement(By.id(id))).getFirstSelectedOption().getAttribute("value");
    }

    @Test
    void aNodeIsConfiguredWithDependentOptionsAndAChangedDependencyClearsWhatDependedOnIt() throws Exception {
        assertThat(h.post("/api/v1/plugins", java.nio.file.Files.readAllBytes(Path.of("target/upload-plugins/sb-plugin-catalog.jar")))
                .status()).isEqualTo(201);
        browser.get(base() + "/#/builder");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(ADMIN_KEY);
        browser.findElement(By.xpath("//button[normalize-space()='Use this key']")).click();
        type("scenario-id", "order");
        type("palette-search", "catalog");
        byTestId("add-catalog-pick-item").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='node-form-pick-item']")));

        // The server's validation goes on the field it names: category is required.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problem-pick-item-category']")));
        // Product waits for a category, variant for a product: each is enabled when what it depends on has a value.
        assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-pick-item-product"))).isEnabled()).isFalse();
        choose("field-pick-item-category", "keyboards");
        choose("field-pick-item-product", "kb-tenkey");
        choose("field-pick-item-variant", "KB-TK-DE-BRN");
        // A provider's error is shown on its field: warehouse needs a connection.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='options-error-warehouse']")));

        // A new category clears the product and the variant that depended on it.
        choose("field-pick-item-category", "mice");
        wait.until(d -> chosen("field-pick-item-product").isEmpty());
        assertThat(browser.findElement(By.id("field-pick-item-variant")).isEnabled()).isFalse();
        choose("field-pick-item-product", "ms-ergo");
        choose("field-pick-item-variant", "MS-ERG-L");

        type("palette-search", "noop");
        byTestId("add-core-noop").click();
        new Select(browser.findElement(By.id("connect-from"))).selectByValue("pick-item");
        new Select(browser.findElement(By.id("connect-to"))).selectByValue("noop");
        browser.findElement(By.xpath("//button[normalize-space()='Connect']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='no-problems']")));
        byTestId("save").click();
        wait.until(ExpectedConditions.urlContains("#/scenarios/order"));
        JsonNode configuration = h.get("/api/v1/scenarios/order").body().at("/nodes/0/configuration");
        assertThat(configuration.get("category").asText()).isEqualTo("mice");
        assertThat(configuration.get("product").asText()).isEqualTo("ms-ergo");
        assertThat(configuration.get("variant").asText()).isEqualTo("MS-ERG-L");

        // Run from the scenario page: the catalog node picks the left-handed mouse.
        byTestId("run").click();
        wait.until(ExpectedConditions.urlMatches("#/executions/[0-9a-f]+$"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='execution']"), "data-status", "completed"));

        // The warehouse's 4xx is expected: it is shown on its field.
        assertThat(consoleErrors(message -> message.contains("/options - Failed to load resource"))).as("browser console errors").isEmpty();
    }
}
