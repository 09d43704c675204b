package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.gate.ActionQueries;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Approve with edits in a real headless Chromium: an approver opens a held call's page, edits its tool arguments in
 * the JSON editor, approves, and the edit is what runs. The editor's screenshot is the one in src/docs/approvals.md.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApproveWithEditsBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ActionQueries queries;

    @Inject
    ObjectMapper json;

    private ChromeDriver driver;

    @BeforeAll
    void start() throws Exception {
        io.restassured.RestAssured.port = base.getPort();
        driver = Browser.start();
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    @Test
    void anApproverEditsTheToolArgumentsInTheEditorAndTheEditIsWhatRuns() throws Exception {
        String key = DashboardDecisionTest.gatedAgent(Api.uniqueName("billing"));
        // as the MCP gateway submits a held call: action = toolName = <server>__<tool>, context = toolArgs
        Map<String, Object> args = Map.of("customer", "ACME GmbH", "amount", 1200, "currency", "EUR",
                "lines", List.of(Map.of("item", "Consulting, November", "hours", 12)));
        UUID id = DashboardDecisionTest.submit(key, Map.of("action", "billing__create_invoice",
                "toolName", "billing__create_invoice", "context", args, "toolArgs", args));

        driver.get(url("/"));
        driver.findElement(By.id("j_username")).sendKeys(Sessions.ALICE);
        driver.findElement(By.id("j_password")).sendKeys(Sessions.ALICE_PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.urlContains("/dashboard"));

        driver.get(url("/dashboard/actions/" + id));
        WebElement editor = driver.findElement(By.id("tool-args"));
        assertEquals(json.valueToTree(args), json.readTree(editor.getAttribute("value")), "the submitted arguments");
        WebElement status = driver.findElement(By.id("tool-args-status"));
        assertEquals("Valid JSON object.", status.getText());

        // not JSON: said at once, and an approval is stopped before it is sent
        editor.sendKeys(Keys.END, ",");
        wait.until(ExpectedConditions.textToBePresentInElement(status, "Not valid JSON"));
        assertEquals("true", editor.getAttribute("aria-invalid"));
        driver.findElement(By.id("approve")).click();
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard/actions/" + id), "nothing was posted");
        assertEquals("PENDING", DashboardDecisionTest.status(key, id));

        // the approver lowers the amount and adds a note, then lets the editor format it
        String edited = "{\"customer\":\"ACME GmbH\",\"amount\":1100,\"currency\":\"EUR\",\"lines\":[{\"item\":"
                + "\"Consulting, November\",\"hours\":11}],\"note\":\"1 hour was a workshop, not consulting\"}";
        editor.clear();
        editor.sendKeys(edited);
        driver.findElement(By.xpath("//button[text()='Format']")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(status, "approving approves your edit"));
        assertTrue(editor.getAttribute("value").contains("\n  \"amount\": 1100"),
                editor.getAttribute("value"));
        driver.findElement(By.id("comment")).sendKeys("Approved with 11 hours, as agreed with the customer");
        driver.executeScript("arguments[0].scrollTop = 0; arguments[0].scrollIntoView({block: 'center'})", editor);
        Browser.screenshot(driver, "approve-with-edits");
        Browser.assertAccessible(driver, "action page with the tool-arguments editor");

        driver.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.urlContains("done=decided"));
        assertEquals("APPROVED", DashboardDecisionTest.status(key, id));
        assertEquals(json.readTree(edited), json.readTree(queries.toolArgsToRun(id).orElseThrow()),
                "the stored approved arguments are the edit");
        assertTrue(driver.findElement(By.id("tool-args-edited-by")).getText().contains(Sessions.ALICE));
        assertEquals(json.valueToTree(args), json.readTree(driver.findElement(By.id("original-tool-args")).getText()));
        assertEquals(json.readTree(edited), json.readTree(driver.findElement(By.id("approved-tool-args")).getText()));
        String diff = driver.findElement(By.id("tool-args-diff")).getText();
        assertTrue(diff.contains("- \"amount\" : 1200") || diff.contains("-   \"amount\" : 1200"), diff);
        assertTrue(diff.contains("\"amount\" : 1100"), diff);
        driver.executeScript("document.getElementById('tool-args-edited-by').scrollIntoView({block: 'start'})");
        Browser.screenshot(driver, "approve-with-edits-decided");
        Browser.assertAccessible(driver, "action page approved with edits");
        Path shot = Browser.SCREENSHOTS.resolve("approve-with-edits.png");
        assertTrue(Files.size(shot) > 10_000, "a real screenshot");
    }
}
