package io.scenariobuilder.server.web;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The builder in a real browser, as a user drives it: from an empty server, a three-node scenario with the catalog's
 * dependent fields, a connection made and tested on the spot, expressions typed with completions, nodes connected by
 * dragging, a cycle refused by name, undo and redo, an invalid value shown on its field, saved, and a test run watched
 * on the canvas until every node is completed and the last node's output is shown. No browser console errors.
 */
class BuilderPageTest extends BrowserTestBase {

    static final String CATALOG_JAR = "target/upload-plugins/sb-plugin-catalog.jar";

    private WebElement byTestId(String id) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='" + id + "']")));
    }

    private void type(String id, String text) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
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

    private void signIn(String hash) {
        browser.get(base() + "/" + hash);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(ADMIN_KEY);
        browser.findElement(By.xpath("//button[normalize-space()='Use this key']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='builder']")));
    }

    /** Drags from a node's output dot onto another node, as a user connects them. */
    private void dragConnect(String from, String to) {
        WebElement port = byTestId("port-" + from);
        WebElement target = byTestId("builder-node-" + to);
        new Actions(browser).clickAndHold(port).moveByOffset(10, 5).moveToElement(target).release().perform();
    }

    /** Waits until the server finds nothing wrong; says what it still finds otherwise. */
    private void noProblems() {
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='no-problems']")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("problems left: " + browser.findElements(By.cssSelector("[data-testid='problems'] li")).stream()
                    .map(WebElement::getText).toList(), e);
        }
    }

    private void node(String id) {
        byTestId("builder-node-" + id).click();
    }

    @Test
    void aUserDrawsATwoNodeScenarioOnAScheduleByDraggingAndSavesIt() {
        signIn("#/builder");
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

        // Connected by dragging from the first node's output onto the second; dragging back would close a cycle, and
        // is refused by name. The keyboard's way (the Connect form) refuses it the same way.
        dragConnect("noop", "noop-2");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='edge-noop-noop-2']")));
        dragConnect("noop-2", "noop");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='edit-error']"))).getText())
                .isEqualTo("this connection would make a cycle: noop-2 -> noop -> noop-2");
        new Select(browser.findElement(By.id("connect-from"))).selectByValue("noop-2");
        new Select(browser.findElement(By.id("connect-to"))).selectByValue("noop");
        browser.findElement(By.xpath("//button[normalize-space()='Connect']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='edit-error']"), "this connection would make a cycle: noop-2 -> noop -> noop-2"));
        assertThat(browser.findElements(By.cssSelector("[data-testid='edge-noop-2-noop']"))).isEmpty();

        // Moved by dragging, then with the keyboard: selected, the arrow keys move it.
        WebElement second = byTestId("builder-node-noop-2");
        new Actions(browser).clickAndHold(second).moveByOffset(0, 60).release().perform();
        second = byTestId("builder-node-noop-2");
        second.sendKeys(Keys.ENTER);
        second.sendKeys(Keys.ARROW_RIGHT);

        // Undo takes the keyboard move back, then the drag, then the connection; redo brings them again.
        byTestId("undo").click();
        byTestId("undo").click();
        byTestId("undo").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid='edge-noop-noop-2']"), 0));
        byTestId("redo").click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='edge-noop-noop-2']")));
        byTestId("redo").click();
        byTestId("redo").click();

        // Zoom: the buttons change the scale, Fit brings everything back in view.
        String fitted = byTestId("zoom-level").getText();
        byTestId("zoom-in").click();
        wait.until(d -> !byTestId("zoom-level").getText().equals(fitted));
        byTestId("zoom-fit").click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='zoom-level']"), fitted));
        // Pan: dragging the background moves the view, not the nodes.
        WebElement layer = browser.findElement(By.cssSelector("[data-testid='canvas-layer']"));
        String before = layer.getAttribute("transform");
        new Actions(browser).moveToElement(byTestId("builder-canvas"), 0, 150).clickAndHold().moveByOffset(-80, -20).release().perform();
        wait.until(d -> !before.equals(d.findElement(By.cssSelector("[data-testid='canvas-layer']")).getAttribute("transform")));
        byTestId("zoom-fit").click();
        wait.until(d -> before.equals(d.findElement(By.cssSelector("[data-testid='canvas-layer']")).getAttribute("transform")));

        // Valid now: nothing under Problems. Saved, the builder stays open on it, at version 1.
        noProblems();
        byTestId("save").click();
        wait.until(ExpectedConditions.urlContains("#/builder/morning"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 1, saved"));
        JsonNode saved = h.get("/api/v1/scenarios/morning").body();
        assertThat(saved.get("name").asText()).isEqualTo("Morning report");
        assertThat(saved.at("/trigger/type").asText()).isEqualTo("schedule");
        assertThat(saved.at("/trigger/cron").asText()).isEqualTo("0 9 * * 1-5");
        assertThat(saved.at("/trigger/timezone").asText()).isEqualTo("Europe/Paris");
        assertThat(saved.get("nodes")).extracting(n -> n.get("id").asText()).containsExactly("noop", "noop-2");
        assertThat(saved.get("connections")).hasSize(1);
        assertThat(saved.at("/connections/0/fromNodeId").asText()).isEqualTo("noop");
        // Where the user put the node is kept with the scenario (the engine ignores it).
        assertThat(saved.at("/nodes/1/position/x").isNumber()).as("position kept: %s", saved.get("nodes")).isTrue();

        // The selected connection becomes an error connection; Delete removes the selected node and its connections.
        byTestId("edge-noop-noop-2").click();
        new Select(byTestId("edge-form").findElement(By.id("edge-on"))).selectByValue("error");
        wait.until(ExpectedConditions.attributeContains(By.cssSelector("[data-testid='edge-noop-noop-2']"), "class", "edge-error"));
        node("noop-2");
        byTestId("builder-node-noop-2").sendKeys(Keys.DELETE);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid='builder-node-noop-2']"), 0));
        assertThat(browser.findElements(By.cssSelector("[data-testid='edge-noop-noop-2']"))).isEmpty();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 1, changed since"));

        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }

    @Test
    void fromAnEmptyServerACatalogScenarioIsBuiltConfiguredSavedAndWatchedAsItRuns() throws Exception {
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of(CATALOG_JAR))).status()).isEqualTo(201);
        signIn("#/builder");
        type("scenario-id", "order");
        type("scenario-name", "Order line");
        type("palette-search", "catalog");
        assertThat(byTestId("add-catalog-pick-item").findElement(By.tagName("img")).getAttribute("src"))
                .as("the manifest's icon").startsWith("data:image/svg+xml");
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

        // An invalid value is shown on its field as the user types.
        type("field-pick-item-quantity", "0");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problem-pick-item-quantity']")));

        // A connection made here, tested with the integration's tester, and chosen: the warehouses of its region load.
        byTestId("new-connection").click();
        type("connection-catalog-name", "Catalog EU");
        choose("connection-catalog-region", "eu");
        byTestId("save-connection").click();
        byTestId("test-connection").click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='connection-test-result']"), "✓ the integration accepted these credentials"));
        String connectionId = h.get("/api/v1/connections").body().at("/items/0/id").asText();
        assertThat(chosen("node-pick-item-connection")).isEqualTo(connectionId);
        choose("field-pick-item-warehouse", "fra-2");

        // The quantity comes from the test data: switched to an expression, written with completions.
        byTestId("fx-pick-item-quantity").click();
        WebElement quantity = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("field-pick-item-quantity")));
        quantity.sendKeys("trig");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='completions']")));
        quantity.sendKeys(Keys.ARROW_DOWN, Keys.ENTER); // trigger, then trigger.body
        quantity.sendKeys(".quantity");
        wait.until(ExpectedConditions.attributeToBe(By.id("field-pick-item-quantity"), "value", "trigger.body.quantity"));

        // A transform reads the catalog node's output; a log line says the total. Connected by dragging.
        type("palette-search", "transform");
        byTestId("add-core-transform").click();
        type("palette-search", "log");
        byTestId("add-core-log").click();
        dragConnect("pick-item", "transform");
        dragConnect("transform", "log");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='edge-transform-log']")));
        node("transform");
        WebElement expression = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("field-transform-expression")));
        expression.sendKeys("{ 'sku': nodes");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='completions']"), "nodes.`pick-item`.output"));
        expression.sendKeys(Keys.ENTER);
        expression.sendKeys(".sku, 'total': nodes");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='completions']")));
        expression.sendKeys(Keys.TAB);
        expression.sendKeys(".total }");
        wait.until(ExpectedConditions.attributeToBe(By.id("field-transform-expression"), "value",
                "{ 'sku': nodes.`pick-item`.output.sku, 'total': nodes.`pick-item`.output.total }"));
        node("log");
        type("field-log-message", "line total {{ input.total }}");
        // Settings: the log node gets its own retry policy and continues on failure.
        new Select(byTestId("node-settings-log").findElement(By.id("node-log-on-error"))).selectByValue("continue");
        byTestId("node-settings-log").findElement(By.id("node-log-own-retry")).click();
        type("node-log-max-attempts", "5");

        noProblems();
        node("pick-item");
        JavascriptExecutor js = (JavascriptExecutor) browser;
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720)); // readable at 1280 x 720
        js.executeScript("window.scrollTo(0, 0)");
        screenshot(browser, "builder-overview");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        js.executeScript("document.querySelector('[data-testid=node-form-pick-item]').scrollIntoView()");
        screenshot(browser, "builder-node-form");

        // Run with test data: saved first, then every node turns completed on the canvas.
        type("test-data", "{\"body\": {\"quantity\": 3}}");
        byTestId("test-run").click();
        for (String id : new String[] {"pick-item", "transform", "log"}) {
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='builder-node-" + id + "']"), "data-state", "completed"));
        }
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='run-status']"), "data-status", "completed"));
        // The last node's output, shown on click; its log line below the canvas.
        node("log");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='node-panel'] [aria-label='output']"), "\"sku\": \"MS-ERG-L\""));
        assertThat(browser.findElement(By.cssSelector("[data-testid='node-panel'] [aria-label='output']")).getText()).contains("\"total\": 141");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='log']"), "line total 141"));
        js.executeScript("document.querySelector('[data-testid=builder-canvas]').scrollIntoView()");
        screenshot(browser, "builder-run");

        JsonNode saved = h.get("/api/v1/scenarios/order").body();
        JsonNode pick = saved.at("/nodes/0");
        assertThat(pick.at("/configuration/category").asText()).isEqualTo("mice");
        assertThat(pick.at("/configuration/product").asText()).isEqualTo("ms-ergo");
        assertThat(pick.at("/configuration/variant").asText()).isEqualTo("MS-ERG-L");
        assertThat(pick.at("/configuration/quantity").asText()).isEqualTo("{{ trigger.body.quantity }}");
        assertThat(pick.at("/configuration/warehouse").asText()).isEqualTo("fra-2");
        assertThat(pick.get("connectionId").asText()).isEqualTo(connectionId);
        assertThat(saved.at("/nodes/2/onError").asText()).isEqualTo("continue");
        assertThat(saved.at("/nodes/2/retryPolicy/maxAttempts").asInt()).isEqualTo(5);
        // The catalog's connection type marks no field secret: the region typed in the builder is shown back.
        assertThat(h.get("/api/v1/connections/" + connectionId).body().at("/credentials/region").asText()).isEqualTo("eu");

        // The warehouse's 4xx before the connection is expected: it is shown on its field.
        assertThat(consoleErrors(message -> message.contains("/options - Failed to load resource"))).as("browser console errors").isEmpty();
    }

    /** Sets a date or time input the way the browser's picker would, and tells the page (typing into them is locale-bound). */
    private void pick(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("""
                const input = document.getElementById(arguments[0]);
                input.value = arguments[1];
                input.dispatchEvent(new Event('input', { bubbles: true }));""", id, value);
    }

    @Test
    void everyFieldTypeOfThePluginSpiHasItsInputAndAWrongValueIsShownOnItsField() throws Exception {
        assertThat(h.post("/api/v1/plugins", Files.readAllBytes(Path.of("target/upload-plugins/all-fields.jar"))).status()).isEqualTo(201);
        signIn("#/builder");
        type("scenario-id", "fields");
        type("palette-search", "echo");
        byTestId("add-all-fields-echo").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='node-form-echo']")));

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problem-echo-title']")));
        assertThat(browser.findElement(By.id("field-echo-title")).getAttribute("placeholder")).isEqualTo("a short title");
        type("field-echo-title", "Hello");
        type("field-echo-notes", "two\nlines");
        assertThat(chosen("field-echo-color")).as("the default is chosen").isEqualTo("green");
        choose("field-echo-color", "blue");
        Select tags = new Select(browser.findElement(By.id("field-echo-tags")));
        assertThat(tags.isMultiple()).isTrue();
        tags.selectByValue("urgent");
        new Select(browser.findElement(By.id("field-echo-tags"))).selectByValue("vip");
        pick("field-echo-day", "2027-03-15");
        pick("field-echo-at", "2027-03-15T09:30");
        // A number: its default is the placeholder; out of range, the server's message is shown on the field.
        assertThat(browser.findElement(By.id("field-echo-count")).getAttribute("placeholder")).isEqualTo("2");
        type("field-echo-count", "11");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problem-echo-count']"))).getText())
                .contains("at most 10");
        type("field-echo-count", "7");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid='problem-echo-count']"), 0));
        browser.findElement(By.id("field-echo-enabled")).click();
        // JSON: told while it is not JSON yet, taken once it is.
        type("field-echo-payload", "{\"a\": [1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='node-form-echo']"), "not JSON yet"));
        browser.findElement(By.id("field-echo-payload")).sendKeys(", 2]}");
        // A JSONata field: an expression that does not parse is shown on it.
        type("field-echo-pick", "(((");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='problem-echo-pick']"))).getText())
                .contains("does not parse");
        type("field-echo-pick", "$uppercase(trigger.body.name)");
        noProblems();

        type("test-data", "{\"body\": {\"name\": \"ada\"}}");
        byTestId("test-run").click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='builder-node-echo']"), "data-state", "completed"));
        JsonNode configuration = h.get("/api/v1/scenarios/fields").body().at("/nodes/0/configuration");
        assertThat(configuration.get("title").asText()).isEqualTo("Hello");
        assertThat(configuration.get("notes").asText()).isEqualTo("two\nlines");
        assertThat(configuration.get("color").asText()).isEqualTo("blue");
        assertThat(configuration.get("tags").toString()).isEqualTo("[\"urgent\",\"vip\"]");
        assertThat(configuration.get("day").asText()).isEqualTo("2027-03-15");
        // Typed in the browser's time zone, kept as the instant it is.
        assertThat(configuration.get("at").asText())
                .isEqualTo(((JavascriptExecutor) browser).executeScript("return new Date('2027-03-15T09:30').toISOString()"));
        assertThat(configuration.get("count").isNumber()).isTrue();
        assertThat(configuration.get("count").asInt()).isEqualTo(7);
        assertThat(configuration.get("enabled").asBoolean()).isTrue();
        assertThat(configuration.get("payload").toString()).isEqualTo("{\"a\":[1,2]}");
        assertThat(configuration.get("pick").asText()).isEqualTo("$uppercase(trigger.body.name)");
        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }
}
