package io.scenariobuilder.server.web;

import static io.scenariobuilder.server.ServerHarness.ADMIN_KEY;
import static io.scenariobuilder.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.server.ServerHarness;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The live page in a real browser (Debian's chromium and chromium-driver, headless, driven by Selenium): enter a key,
 * open a scenario, run it, watch its nodes turn completed and a log line arrive without a reload, pause and resume
 * another, select a node with the keyboard, read the metrics, open the API docs, and in a narrow window nothing
 * overflows. Any browser console error fails it. Elements are found by role, label or data-testid.
 */
class WebPageTest extends BrowserTestBase {

    @BeforeEach
    void saveScenarios() {
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "pipe", "name": "Greet and pass on", "nodes": [
                  {"id": "greet", "integrationId": "core", "actionId": "log", "configuration": {"message": "hello {{ input.who }}"}},
                  {"id": "shape", "integrationId": "core", "actionId": "set", "configuration": {"values": {"greeted": "{{ input.who }}"}}},
                  {"id": "oops", "integrationId": "core", "actionId": "fail", "onError": "route",
                   "configuration": {"errorType": "invalid_input", "message": "expected"}},
                  {"id": "handled", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "greet", "toNodeId": "shape"}, {"fromNodeId": "greet", "toNodeId": "oops"},
                   {"fromNodeId": "oops", "toNodeId": "handled", "on": "error"}]}""")).status()).isEqualTo(201);
        assertThat(h.post("/api/v1/scenarios", json("""
                {"id": "slow", "name": "Wait, then finish", "nodes": [
                  {"id": "wait", "integrationId": "core", "actionId": "delay", "configuration": {"ms": 2500}},
                  {"id": "done", "integrationId": "core", "actionId": "noop"}],
                 "connections": [{"fromNodeId": "wait", "toNodeId": "done"}]}""")).status()).isEqualTo(201);

    }

    private WebElement byTestId(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + id + "']")));
    }

    private WebElement button(String text) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='" + text + "']")));
    }

    @Test
    void aUserWatchesAnExecutionLiveAndPausesAndResumesAnother() throws Exception {
        String base = "http://127.0.0.1:" + h.server.port();
        browser.get(base + "/");
        WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        assertThat(browser.findElement(By.cssSelector("label[for='api-key']")).getText()).isEqualTo("API key");
        key.sendKeys(ADMIN_KEY);
        button("Use this key").click();

        // Open a scenario and run it.
        byTestId("scenario-pipe").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Greet and pass on"));
        WebElement trigger = browser.findElement(By.id("trigger-data"));
        trigger.clear();
        trigger.sendKeys("{\"who\": \"Ada\"}");
        byTestId("run").click();

        // Its nodes turn completed (and the handled failure failed), and its log line arrives, without a reload.
        wait.until(ExpectedConditions.urlMatches("#/executions/[0-9a-f]+$"));
        Object pageToken = ((JavascriptExecutor) browser).executeScript("return window.__sbPage = Math.random();");
        for (String node : List.of("greet", "shape", "handled")) {
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='node-" + node + "']"), "data-state", "completed"));
        }
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='node-oops']"), "data-state", "failed"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='execution']"), "data-status", "completed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='log']"), "hello Ada"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sbPage;")).as("no reload").isEqualTo(pageToken);

        // A node's details with the keyboard: focus it, press Enter.
        WebElement shape = browser.findElement(By.cssSelector("[data-testid='node-shape']"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus();", shape);
        shape.sendKeys(Keys.ENTER);
        WebElement panel = byTestId("node-panel");
        wait.until(ExpectedConditions.textToBePresentInElement(panel, "\"greeted\": \"Ada\""));
        assertThat(panel.getText()).contains("Input", "\"who\"").doesNotContain("undefined");
        screenshot("live-page.png");

        // Another execution: pause it while its first node waits, resume it, and it completes.
        browser.get(base + "/#/scenarios/slow");
        byTestId("run").click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='node-wait']"), "data-state", "running"));
        button("Pause").click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='execution']"), "data-status", "paused"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='node-wait']"), "data-state", "completed"));
        assertThat(browser.findElement(By.cssSelector("[data-testid='node-done']")).getAttribute("data-state"))
                .as("nothing new starts while paused").isEqualTo("pending");
        button("Resume").click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='node-done']"), "data-state", "completed"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='execution']"), "data-status", "completed"));
        assertThat(browser.findElement(By.xpath("//button[normalize-space()='Pause']")).isEnabled()).isFalse();

        // A command the state does not allow shows the API's error.
        ((JavascriptExecutor) browser).executeScript("document.querySelectorAll('button').forEach(b => b.disabled = false);");
        button("Resume").click();
        assertThat(byTestId("error").getText()).contains("conflict");

        // Recent executions, live; the metrics view with its charts.
        browser.get(base + "/#/executions");
        byTestId("executions");
        browser.get(base + "/#/metrics");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid='metrics-summary']"), "Success rate"));
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".chart canvas"), 1));

        // A narrow window: nothing wider than the screen but the graph's own scroll box.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base + "/#/scenarios/pipe");
        byTestId("run");
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).as("horizontal overflow in a narrow window").isLessThanOrEqualTo(0);
        assertThat(browser.findElements(By.cssSelector(".loading"))).as("nothing left loading").isEmpty();
        screenshot("live-page-narrow.png");

        // The API docs: Swagger UI on the OpenAPI document, served from its WebJar.
        browser.manage().window().setSize(new Dimension(1280, 1000));
        browser.get(base + "/api/docs");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".swagger-ui"), "Scenario Builder API"));

        // The browser logs the deliberate 409 above as a failed resource; anything else is a defect.
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(entry -> !(entry.getMessage().contains("/resume - Failed to load resource")
                        && entry.getMessage().contains("status of 409")))
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
