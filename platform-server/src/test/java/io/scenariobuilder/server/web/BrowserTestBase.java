package io.scenariobuilder.server.web;

import io.scenariobuilder.server.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A server on 127.0.0.1 and a headless chromium for each test of the page; both closed after it. */
abstract class BrowserTestBase {

    @TempDir
    Path dir;

    ServerHarness h;
    WebDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void startBrowserAndServer() throws Exception {
        browser = Browsers.headless(dir);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        h = new ServerHarness(dir.resolve("server"), Map.of());
    }

    @AfterEach
    void stopBrowserAndServer() {
        if (browser != null) {
            browser.quit();
        }
        if (h != null) {
            h.close();
        }
    }

    String base() {
        return "http://127.0.0.1:" + h.server.port();
    }

    /**
     * Saves what the browser shows as {@code target/screenshots/NAME.png}, and also into the folder named by the system
     * property {@code sb.screenshots} when set (the docs' pictures are made so: see docs/builder.md).
     */
    void screenshot(WebDriver driver, String name) throws java.io.IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        java.nio.file.Files.write(java.nio.file.Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png"), png);
        String docs = System.getProperty("sb.screenshots");
        if (docs != null && !docs.isBlank()) {
            java.nio.file.Files.write(java.nio.file.Files.createDirectories(Path.of(docs)).resolve(name + ".png"), png);
        }
    }

    /** The browser console's errors so far, but those {@code expected} accepts. */
    List<LogEntry> consoleErrors(Predicate<String> expected) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(entry -> !expected.test(entry.getMessage()))
                .toList();
    }
}
