package io.scenariobuilder.server.web;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.server.ServerHarness;
import io.scenariobuilder.server.ServerHarness.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The builder shared with others: two editors saving the same scenario (the second is told, with the other's version,
 * and loses nothing), a viewer who sees everything read-only, a run watched on a 390 px wide phone, and a scenario
 * exported and imported as JSON.
 */
class BuilderSharingTest extends BrowserTestBase {

    private static final String SCENARIO = """
            {"id": "shared", "name": "Shared", "nodes": [
              {"id": "first", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "trigger.body.n * 2"}},
              {"id": "second", "integrationId": "core", "actionId": "noop"}],
             "connections": [{"fromNodeId": "first", "toNodeId": "second"}]}""";

    private static WebElement byTestId(WebDriverWait wait, String id) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='" + id + "']")));
    }

    private static void signIn(WebDriver driver, WebDriverWait wait, String base, String key, String hash) {
        driver.get(base + "/" + hash);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(key);
        driver.findElement(By.xpath("//button[normalize-space()='Use this key']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='builder']")));
    }

    private static void rename(WebDriverWait wait, String name) {
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(By.id("scenario-name")));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(name);
    }

    @Test
    void aSaveThatCameSecondIsShownWithTheOtherVersionAndNothingIsLost() throws Exception {
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json(SCENARIO)).status()).isEqualTo(201);
        WebDriver other = Browsers.headless(dir.resolve("other"));
        try {
            WebDriverWait otherWait = new WebDriverWait(other, java.time.Duration.ofSeconds(20));
            signIn(browser, wait, base(), ADMIN_KEY, "#/builder/shared");
            signIn(other, otherWait, base(), ADMIN_KEY, "#/builder/shared");
            wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 1, saved"));
            otherWait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 1, saved"));

            // The other editor saves first: version 2.
            rename(otherWait, "Theirs");
            byTestId(otherWait, "save").click();
            otherWait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 2, saved"));

            // This one saves over version 1: refused, told who is ahead, and the server keeps their version.
            rename(wait, "Mine");
            byTestId(wait, "save").click();
            WebElement conflict = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='conflict']")));
            assertThat(conflict.findElement(By.cssSelector("[data-testid='their-version']")).getText()).isEqualTo("2");
            assertThat(conflict.getText()).contains("Nothing was overwritten", "you were editing version 1");
            assertThat(h.get("/api/v1/scenarios/shared").body().get("name").asText()).isEqualTo("Theirs");
            assertThat(browser.findElement(By.id("scenario-name")).getAttribute("value")).isEqualTo("Mine");
            screenshot(browser, "builder-conflict");

            // Their version can be looked at, and Undo brings mine back; saved now over version 2, on purpose.
            byTestId(wait, "load-theirs").click();
            wait.until(ExpectedConditions.attributeToBe(By.id("scenario-name"), "value", "Theirs"));
            byTestId(wait, "undo").click();
            wait.until(ExpectedConditions.attributeToBe(By.id("scenario-name"), "value", "Mine"));
            byTestId(wait, "save").click();
            wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 3, saved"));
            JsonNode saved = h.get("/api/v1/scenarios/shared").body();
            assertThat(saved.get("name").asText()).isEqualTo("Mine");
            assertThat(saved.get("version").asInt()).isEqualTo(3);
            assertThat(consoleErrors(message -> message.contains("/api/v1/scenarios/shared - Failed to load resource: the server responded with a status of 409")))
                    .as("browser console errors").isEmpty();
        } finally {
            other.quit();
        }
    }

    @Test
    void aViewerSeesTheScenarioReadOnlyAndAnEditorWatchesARunOnAPhone() throws Exception {
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json(SCENARIO)).status()).isEqualTo(201);
        browser.manage().window().setSize(new Dimension(390, 844));
        signIn(browser, wait, base(), ADMIN_KEY, "#/builder/shared");
        byTestId(wait, "builder-node-second");

        // A run at 390 px: each node's state on the canvas, the output on a tap, and no sideways scrolling.
        WebElement data = wait.until(ExpectedConditions.elementToBeClickable(By.id("test-data")));
        data.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        data.sendKeys("{\"body\": {\"n\": 21}}");
        byTestId(wait, "test-run").click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='builder-node-second']"), "data-state", "completed"));
        byTestId(wait, "builder-node-second").click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='node-panel'] [aria-label='output']"), "42"));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")).intValue())
                .as("sideways scrolling at 390 px, from %s", js.executeScript("""
                        const w = document.documentElement.clientWidth;
                        return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 0.5)
                          .slice(0, 5).map((e) => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));"""))
                .isLessThanOrEqualTo(0);
        ((JavascriptExecutor) browser).executeScript("document.querySelector('[data-testid=builder-canvas]').scrollIntoView()");
        screenshot(browser, "builder-phone");

        // A viewer: the same scenario, every control read-only, nothing it could save.
        Response created = h.post("/api/v1/keys", Map.of("name", "watcher", "role", "viewer"));
        String viewer = created.body().get("key").asText();
        browser.findElement(By.xpath("//button[normalize-space()='Forget the key']")).click();
        signIn(browser, wait, base(), viewer, "#/builder/shared");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='read-only']")));
        byTestId(wait, "builder-node-first").click();
        WebElement expression = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-first-expression")));
        assertThat(expression.getAttribute("value")).isEqualTo("trigger.body.n * 2");
        assertThat(expression.isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("scenario-name")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.cssSelector("[data-testid='save']")).isEnabled()).isFalse();
        assertThat(browser.findElements(By.cssSelector("[data-testid='add-core-noop']"))).as("no palette").isEmpty();
        assertThat(browser.findElements(By.cssSelector("[data-testid='port-first']"))).as("nothing to drag from").isEmpty();
        assertThat(browser.findElements(By.cssSelector("[data-testid='test-run']"))).as("no run").isEmpty();
        // Delete does nothing for a viewer; the scenario is as it was.
        byTestId(wait, "builder-node-first").sendKeys(Keys.DELETE);
        assertThat(browser.findElements(By.cssSelector("[data-testid='builder-node-first']"))).hasSize(1);
        assertThat(h.get("/api/v1/scenarios/shared").body().get("version").asInt()).isEqualTo(1);
        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }

    @Test
    void aScenarioIsExportedAsJsonAndAnImportedFileReplacesTheDrawingOrSaysWhatIsWrong() throws Exception {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        assertThat(h.post("/api/v1/scenarios", ServerHarness.json(SCENARIO)).status()).isEqualTo(201);
        ((org.openqa.selenium.chromium.HasCdp) browser).executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        signIn(browser, wait, base(), ADMIN_KEY, "#/builder/shared");
        byTestId(wait, "builder-node-second");

        byTestId(wait, "export").click();
        Path exported = downloads.resolve("shared.json");
        wait.until(d -> Files.exists(exported));
        JsonNode file = ServerHarness.json(Files.readString(exported));
        assertThat(file.get("id").asText()).isEqualTo("shared");
        assertThat(file.has("version")).as("the server's bookkeeping stays out of the file").isFalse();
        assertThat(file.get("nodes")).hasSize(2);

        // A file that is not a scenario is refused with the reason; the drawing is untouched.
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"nodes\": {\"a\": 1}}");
        browser.findElement(By.cssSelector("[data-testid='import']")).sendKeys(broken.toString());
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='edit-error']"), "'nodes' must be a list"));
        assertThat(browser.findElements(By.cssSelector("[data-testid='builder-node-second']"))).hasSize(1);

        // A file with a cycle is drawn as it is, and the server's problem is shown on the connection that closes it.
        Path cyclic = Files.writeString(dir.resolve("cyclic.json"), """
                {"nodes": [{"id": "a", "integrationId": "core", "actionId": "noop"}, {"id": "b", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "a", "toNodeId": "b"}, {"fromNodeId": "b", "toNodeId": "a"}]}""");
        browser.findElement(By.cssSelector("[data-testid='import']")).sendKeys(cyclic.toString());
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='edge-b-a']"), "data-problems", "1"));
        assertThat(browser.findElement(By.cssSelector("[data-testid='edge-a-b']")).getAttribute("data-problems")).isEqualTo("0");
        byTestId(wait, "edge-b-a").sendKeys(Keys.ENTER); // connections are reached with the keyboard too
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='edge-problem']"))).getText())
                .isEqualTo("cycle: a -> b -> a; a scenario must be acyclic");
        byTestId(wait, "remove-connection").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='no-problems']")));

        // A hostile file: markup in a name and an id is shown as text, never run; the bad id is the server's problem.
        Path hostile = Files.writeString(dir.resolve("hostile.json"), """
                {"name": "<img src=x onerror=\\"window.pwned=1\\">", "nodes": [{"id": "<img src=y onerror=window.pwned=2>",
                 "name": "<script>window.pwned=3</script>", "integrationId": "core", "actionId": "noop"}], "connections": []}""");
        browser.findElement(By.cssSelector("[data-testid='import']")).sendKeys(hostile.toString());
        wait.until(ExpectedConditions.attributeToBe(By.id("scenario-name"), "value", "<img src=x onerror=\"window.pwned=1\">"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='problems']"), ".id: must match"));
        assertThat(browser.findElement(By.cssSelector("[data-testid='builder-canvas']")).getText()).contains("<script>window.pwn");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined && document.querySelectorAll('main img, main script').length")).isEqualTo(0L);

        // A good file replaces the drawing, under this scenario's id, and can be saved as its next version.
        Path other = Files.writeString(dir.resolve("other.json"), """
                {"id": "elsewhere", "name": "Imported", "nodes": [{"id": "only", "integrationId": "core", "actionId": "noop"}], "connections": []}""");
        browser.findElement(By.cssSelector("[data-testid='import']")).sendKeys(other.toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='builder-node-only']")));
        assertThat(browser.findElements(By.cssSelector("[data-testid='builder-node-second']"))).isEmpty();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='no-problems']")));
        byTestId(wait, "save").click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='saved-version']"), "version 2, saved"));
        JsonNode saved = h.get("/api/v1/scenarios/shared").body();
        assertThat(saved.get("name").asText()).isEqualTo("Imported");
        assertThat(saved.get("nodes")).extracting(n -> n.get("id").asText()).containsExactly("only");
        assertThat(h.get("/api/v1/scenarios/elsewhere").status()).isEqualTo(404);
        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }
}
