package io.agentgate.dashboard;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 22 in a real headless Chromium: an approver grants beside Approve on the action's page, sees and revokes
 * the grant on the Grants page, and approves several pending actions at once from the pending list.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantDashboardBrowserTest {

    @TestHTTPResource("/")
    URL base;

    private ChromeDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws Exception {
        io.restassured.RestAssured.port = base.getPort();
        driver = Browser.start();
        wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        driver.get(url("/"));
        driver.findElement(By.id("j_username")).sendKeys(Sessions.ALICE);
        driver.findElement(By.id("j_password")).sendKeys(Sessions.ALICE_PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/dashboard"));
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

    private static String agentFor(String name) {
        return Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval",
                Map.of("required", true, "approvers", List.of(Sessions.ALICE))));
    }

    private static String submit(String key, Map<String, Object> context, int status) {
        return agent(key).body(Map.of("action", "send_invoice", "context", context)).post("/api/v1/actions").then()
                .statusCode(status).extract().path("id");
    }

    @Test
    void anApproverGrantsBesideApproveAndRevokesOnTheGrantsPage() throws Exception {
        String name = Api.uniqueName("dash-granted");
        String key = agentFor(name);
        String id = submit(key, Map.of("customer", "acme", "amount", 40), 202);

        driver.get(url("/dashboard/actions/" + id));
        new Select(driver.findElement(By.id("grant-scope"))).selectByValue("same-arguments");
        new Select(driver.findElement(By.id("grant-for"))).selectByValue("PT8H");
        driver.findElement(By.id("grant-uses")).sendKeys("20");
        Browser.screenshot(driver, "dashboard-grant-choice");
        driver.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.urlContains("done=granted"));

        String passed = agent(key).body(Map.of("action", "send_invoice", "context", Map.of("amount", 40,
                "customer", "acme"))).post("/api/v1/actions").then().statusCode(200)
                .body("status", equalTo("ALLOWED")).body("grantId", notNullValue()).extract().path("grantId");
        submit(key, Map.of("customer", "acme", "amount", 41), 202);

        driver.get(url("/dashboard/grants"));
        String row = driver.findElement(By.cssSelector("#grants tr[data-id='" + passed + "']")).getText();
        assertTrue(row.contains(name) && row.contains("1 of 20") && row.contains(Sessions.ALICE)
                && row.contains("for 8 hours, up to 20 times"), row);
        Browser.screenshot(driver, "dashboard-grants");
        WebElement revoke = driver.findElement(By.id("revoke-" + passed));
        revoke.click();
        // the page was /dashboard/grants before the click too: wait for the page the revoke's redirect loads
        wait.until(ExpectedConditions.stalenessOf(revoke));
        wait.until(ExpectedConditions.urlToBe(url("/dashboard/grants")));
        assertTrue(driver.findElements(By.cssSelector("#grants tr[data-id='" + passed + "']")).isEmpty());
        admin().get("/api/v1/grants/" + passed).then().body("state", equalTo("revoked"))
                .body("revokedBy", equalTo(Sessions.ALICE));
        submit(key, Map.of("customer", "acme", "amount", 40), 202);
    }

    @Test
    void anApproverApprovesTheSelectedPendingActionsAtOnce() throws Exception {
        String name = Api.uniqueName("dash-batch");
        String key = agentFor(name);
        String first = submit(key, Map.of("n", 1), 202);
        String second = submit(key, Map.of("n", 2), 202);
        String left = submit(key, Map.of("n", 3), 202);

        driver.get(url("/dashboard/pending?agent=" + name));
        driver.findElement(By.id("select-" + first)).click();
        driver.findElement(By.id("select-" + second)).click();
        // an action arriving while the reviewer ticks rows re-reads the list: the ticks stay
        String arrived = submit(key, Map.of("n", 4), 202);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + arrived + "']")));
        assertTrue(driver.findElement(By.id("select-" + first)).isSelected()
                && driver.findElement(By.id("select-" + second)).isSelected(), "the ticks survive the live refresh");
        driver.findElement(By.id("batch-comment")).sendKeys("invoices of the week");
        Browser.screenshot(driver, "dashboard-batch");
        driver.findElement(By.id("approve-selected")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("batch-results")));
        assertEquals(2, driver.findElements(By.cssSelector("#batch-results li.ok")).size(),
                driver.findElement(By.id("batch-results")).getText());

        for (String id : List.of(first, second)) {
            agent(key).get("/api/v1/actions/" + UUID.fromString(id)).then().body("status", equalTo("APPROVED"))
                    .body("comment", equalTo("invoices of the week")).body("decidedBy", equalTo(Sessions.ALICE));
        }
        agent(key).get("/api/v1/actions/" + left).then().body("status", equalTo("PENDING"));
        agent(key).get("/api/v1/actions/" + arrived).then().body("status", equalTo("PENDING"));
    }
}
