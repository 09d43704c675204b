package io.agentgate.dashboard;

import static io.agentgate.Api.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium: login, lists with their violations, deciding, live updates, roles, CSRF,
 * escaping and axe-core. Screenshots of every page go to target/screenshots/.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final String HOSTILE = "<img src=x onerror=\"window.__xss=1\">";

    @TestHTTPResource("/")
    URL base;

    private ChromeDriver driver;
    private String agentName;
    private String key;
    private UUID hostile;
    private UUID timedOut;

    @BeforeAll
    void start() throws Exception {
        // RestAssured is pointed at the app per test method; this runs before the first one
        io.restassured.RestAssured.port = base.getPort();
        driver = Browser.start();
        agentName = Api.uniqueName("browser");
        key = DashboardDecisionTest.gatedAgent(agentName);
        hostile = DashboardDecisionTest.submit(key, Map.of("action", "book_meeting", "userId", "bob@example.com",
                "context", Map.of("room", "4B", "note", HOSTILE)));
        timedOut = DashboardDecisionTest.submit(key, Map.of("action", "transfer_budget", "timeoutSeconds", 1,
                "context", Map.of("amount", 900)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "TIMED_OUT".equals(DashboardDecisionTest.status(key, timedOut)));
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

    private void login(String email, String password) {
        driver.get(url("/"));
        driver.findElement(By.id("j_username")).sendKeys(email);
        driver.findElement(By.id("j_password")).sendKeys(password);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/dashboard"));
    }

    private void logout() {
        driver.findElement(By.cssSelector("form.logout button")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("loggedOut"));
    }

    @Test
    @Order(1)
    void loginPageIsAccessibleAndAWrongPasswordIsSaid() throws Exception {
        driver.get(url("/dashboard/pending"));
        assertTrue(driver.getCurrentUrl().endsWith("/"), "anonymous: sent to the login form, " + driver.getCurrentUrl());
        Browser.screenshot(driver, "01-login");
        Browser.assertAccessible(driver, "login");
        if (java.nio.file.Files.isReadable(Browser.AXE)) {
            // the check can fail: an unlabelled field is a critical violation
            driver.executeScript("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=\\'bare\\'>');");
            org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> Browser.assertAccessible(driver, "login with an unlabelled field"));
            driver.get(url("/"));
        }
        driver.findElement(By.id("j_username")).sendKeys(Sessions.ALICE);
        driver.findElement(By.id("j_password")).sendKeys("wrong password");
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        // the POST, its redirect and the page with the error: wait for it (a loaded machine is slow to navigate)
        var error = new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
        assertTrue(error.getText().contains("Wrong email or password"));
    }

    @Test
    @Order(2)
    void aPendingActionIsListedWithItsTriggeringViolation() throws Exception {
        login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard/pending"), "back where the login was asked for");
        driver.get(url("/dashboard"));
        Browser.screenshot(driver, "02-overview");
        Browser.assertAccessible(driver, "overview");
        driver.get(url("/dashboard/pending?agent=" + agentName));
        WebElement row = driver.findElement(By.cssSelector("tr[data-id='" + hostile + "']"));
        assertTrue(row.getText().contains("approval-required"), row.getText());
        assertTrue(row.getText().contains("book_meeting"));
        Browser.screenshot(driver, "03-pending");
        Browser.assertAccessible(driver, "pending list");
    }

    @Test
    @Order(3)
    void aNewPendingActionAppearsInTheOpenListWithoutAReload() {
        driver.get(url("/dashboard/pending?agent=" + agentName));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElement(By.cssSelector("[data-live-status]")).getText().contains("Live"));
        driver.executeScript("window.__sameDocument = true;");
        UUID fresh = DashboardDecisionTest.submit(key, Map.of("action", "order_supplies",
                "context", Map.of("items", 3)));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + fresh + "']")));
        assertEquals(Boolean.TRUE, driver.executeScript("return window.__sameDocument;"), "no reload happened");
        assertTrue(driver.findElement(By.cssSelector("[data-live-status]")).getText().contains("order_supplies"));
        // and a decided one leaves the list
        Api.admin().body(Map.of("decision", "REJECTED", "decidedBy", Sessions.ADMIN))
                .post("/api/v1/actions/" + fresh + "/decision").then().statusCode(200);
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-id='" + fresh + "']"), 0));
        assertEquals(Boolean.TRUE, driver.executeScript("return window.__sameDocument;"));
    }

    /**
     * Issue 21, finding 16: an action submitted after the list was rendered but before its EventSource connected
     * appears once the stream connects: each (re)connect starts with a resync that re-reads the list. The page's
     * EventSource is held back until the test says (a wrapper installed before the page's own script runs).
     */
    @Test
    @Order(3)
    void anActionSubmittedBeforeTheStreamConnectedIsListedOnceItDoes() {
        Map<String, Object> installed = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of(
                "source", """
                        (function () {
                          var Real = window.EventSource, held = [];
                          window.EventSource = function (url, init) {
                            var late = { close: function () { if (late.real) late.real.close(); } };
                            held.push(function () {
                              var real = new Real(url, init);
                              late.real = real;
                              real.onopen = function (e) { if (late.onopen) late.onopen(e); };
                              real.onmessage = function (e) { if (late.onmessage) late.onmessage(e); };
                              real.onerror = function (e) { if (late.onerror) late.onerror(e); };
                            });
                            return late;
                          };
                          window.__connectLiveStream = function () { held.splice(0).forEach(function (f) { f(); }); };
                        })();"""));
        try {
            driver.get(url("/dashboard/pending?agent=" + agentName));
            driver.executeScript("window.__sameDocument = true;");
            UUID missed = DashboardDecisionTest.submit(key, Map.of("action", "order_toner"));
            assertTrue(driver.findElements(By.cssSelector("tr[data-id='" + missed + "']")).isEmpty(),
                    "rendered before the submission");
            driver.executeScript("window.__connectLiveStream();");
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(
                    ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + missed + "']")));
            assertEquals(Boolean.TRUE, driver.executeScript("return window.__sameDocument;"), "no reload happened");
        } finally {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument",
                    Map.of("identifier", installed.get("identifier")));
        }
    }

    @Test
    @Order(4)
    void hostileContextIsShownAsText() throws Exception {
        driver.get(url("/dashboard/actions/" + hostile));
        WebElement context = driver.findElement(By.id("context"));
        assertTrue(context.getText().contains("<img src=x onerror="), context.getText());
        assertTrue(context.findElements(By.tagName("img")).isEmpty(), "no element was made of it");
        assertNull(driver.executeScript("return window.__xss;"), "its handler never ran");
        Browser.screenshot(driver, "04-detail");
        Browser.assertAccessible(driver, "detail");
    }

    @Test
    @Order(5)
    void aDecisionWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        driver.get(url("/dashboard/actions/" + hostile));
        driver.executeScript("document.querySelector('#decide-form input[name=csrf]').remove();");
        driver.findElement(By.id("approve")).click();
        // the POST and its refusal page: wait for it (a loaded machine is slow to navigate)
        WebElement detail = new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("problem-detail")));
        assertTrue(detail.getText().contains("security token"), detail.getText());
        assertEquals("PENDING", DashboardDecisionTest.status(key, hostile));
    }

    @Test
    @Order(6)
    void approveWithACommentThenItIsResolvedWithTheDecider() throws Exception {
        driver.get(url("/dashboard/actions/" + hostile));
        driver.findElement(By.id("comment")).sendKeys("Room booking is fine");
        driver.findElement(By.id("approve")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("done=decided"));
        assertEquals("approved", driver.findElement(By.id("action-status")).getText().toLowerCase());
        assertTrue(driver.findElement(By.id("outcome")).getText().contains("APPROVED"));
        assertTrue(driver.findElement(By.id("timeline")).getText().contains("Room booking is fine"));
        assertEquals(Sessions.ALICE, driver.findElement(By.id("decided-by")).getText());
        assertEquals("APPROVED", DashboardDecisionTest.status(key, hostile));
        Browser.screenshot(driver, "05-decided");

        driver.get(url("/dashboard/resolved?agent=" + agentName));
        WebElement row = driver.findElement(By.cssSelector("tr[data-id='" + hostile + "']"));
        assertTrue(row.getText().toLowerCase().contains("approved"), row.getText());
        assertTrue(row.findElement(By.cssSelector(".decider")).getText().contains(Sessions.ALICE));
        Browser.screenshot(driver, "06-resolved");
        Browser.assertAccessible(driver, "resolved list");
    }

    @Test
    @Order(7)
    void aTimedOutActionIsUnderTimedOut() throws Exception {
        driver.get(url("/dashboard/timed-out?agent=" + agentName));
        WebElement row = driver.findElement(By.cssSelector("tr[data-id='" + timedOut + "']"));
        assertTrue(row.getText().toLowerCase().contains("timed out"), row.getText());
        assertTrue(row.getText().contains("transfer_budget"));
        Browser.screenshot(driver, "07-timed-out");
    }

    @Test
    @Order(8)
    void violationsAgentsAndUsersPages() throws Exception {
        driver.get(url("/dashboard/violations"));
        assertTrue(driver.findElement(By.tagName("main")).getText().contains("approval-required"));
        Browser.screenshot(driver, "08-violations");
        Browser.assertAccessible(driver, "violations");
        driver.get(url("/dashboard/agents"));
        assertTrue(driver.findElement(By.tagName("main")).getText().contains(agentName));
        Browser.screenshot(driver, "09-agents");
        Browser.assertAccessible(driver, "agents");
        logout();
        login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        driver.get(url("/dashboard/users"));
        assertTrue(driver.findElement(By.id("users")).getText().contains(Sessions.VIEWER));
        Browser.screenshot(driver, "10-users");
        Browser.assertAccessible(driver, "users");
        logout();
    }

    @Test
    @Order(9)
    void aViewerSeesNoDecideControls() throws Exception {
        UUID waiting = DashboardDecisionTest.submit(key, Map.of("action", "book_meeting", "context", Map.of("room", "1A")));
        login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        driver.get(url("/dashboard/actions/" + waiting));
        assertTrue(driver.findElements(By.id("decide-form")).isEmpty());
        assertTrue(driver.findElements(By.id("approve")).isEmpty());
        assertTrue(driver.findElement(By.id("no-decide")).getText().contains("viewer"));
        assertFalse(driver.findElement(By.tagName("nav")).getText().contains("Users"), "no admin section");
        Browser.screenshot(driver, "11-viewer-detail");
    }

    @Test
    @Order(10)
    void logoutEndsTheSession() {
        logout();
        assertTrue(driver.getPageSource().contains("You are logged out"));
        driver.get(url("/dashboard"));
        assertEquals(1, driver.findElements(By.id("login-form")).size(), "the session is gone: back at the login form");
    }
}
