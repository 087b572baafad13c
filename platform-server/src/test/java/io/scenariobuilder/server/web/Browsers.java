package io.scenariobuilder.server.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's chromium, headless, driven by its chromium-driver, with the browser console recorded. */
final class Browsers {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browsers() {
    }

    /**
     * A new headless browser with its own profile under {@code dir}. Without chromium the test is skipped, unless
     * {@code SB_REQUIRE_BROWSER} is set (CI sets it): then it fails.
     */
    static WebDriver headless(Path dir) throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!installed && System.getenv("SB_REQUIRE_BROWSER") != null) {
            throw new AssertionError("SB_REQUIRE_BROWSER is set but chromium or chromedriver is missing (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(installed, "no chromium/chromedriver here (apt-get install chromium chromium-driver); CI installs them");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
