package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver (never a downloaded browser). Without them a developer's
 * run skips the browser tests with the reason; with {@code CI=true} their absence fails.
 */
public final class Browser {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
    static final Path AXE = Path.of("frontend/node_modules/axe-core/axe.min.js");
    public static final Path SCREENSHOTS = Path.of("target/screenshots");

    private Browser() {
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Starts Chromium, or skips (fails on CI) when it or chromedriver is missing. */
    public static ChromeDriver start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String reason = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium chromium-driver)";
            if (ci()) {
                fail("CI=true: " + reason);
            }
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        Path profile = Files.createTempDirectory("agentgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--window-size=1280,1000", "--lang=en-GB",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    public static void screenshot(ChromeDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Runs axe-core in the page and fails on any serious or critical violation. Without axe (npm missing on a
     * developer's machine) it says so and returns; on CI a missing axe fails.
     */
    public static void assertAccessible(ChromeDriver driver, String page) throws IOException {
        if (!Files.isReadable(AXE)) {
            String reason = AXE + " is missing (the build runs npm ci in frontend/)";
            if (ci()) {
                fail("CI=true: " + reason);
            }
            System.out.println("SKIPPED axe check of " + page + ": " + reason);
            return;
        }
        driver.executeScript(Files.readString(AXE));
        Object result = driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done('ERROR ' + e); });");
        String json = String.valueOf(result);
        assertTrue(json.startsWith("["), "axe failed on " + page + ": " + json);
        List<String> problems = new ArrayList<>();
        for (JsonNode v : new ObjectMapper().readTree(json)) {
            String impact = v.path("impact").asText();
            String line = impact + " " + v.path("id").asText() + ": " + v.path("help").asText() + " at "
                    + v.path("nodes").path(0).path("target");
            System.out.println("axe " + page + ": " + line);
            if (impact.equals("serious") || impact.equals("critical")) {
                problems.add(line);
            }
        }
        assertTrue(problems.isEmpty(), "axe on " + page + ": " + problems);
    }
}
