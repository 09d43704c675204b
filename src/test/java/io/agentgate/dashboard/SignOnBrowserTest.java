package io.agentgate.dashboard;

import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * OIDC sign-on in a real headless Chromium against the real test provider: the login page's provider button (its
 * screenshot is target/screenshots/sign-on-login.png), the provider's login form, an approver group of the provider
 * deciding on the dashboard, and logout here and at the provider.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
class SignOnBrowserTest {

    @TestHTTPResource("/")
    URL base;

    private ChromeDriver driver;
    private WebDriverWait wait;

    @BeforeEach
    void start() throws Exception {
        IdpClient.requireProvider();
        io.restassured.RestAssured.port = base.getPort();
        driver = Browser.start();
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    @Test
    void anApproverOfTheProvidersGroupSignsInDecidesAndLogsOutThereToo() throws Exception {
        String key = Api.register(Map.of("name", Api.uniqueName("sso-browser"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of("group:finance-approvers"))));
        String id = agent(key).body(Map.of("action", "pay", "context", Map.of("amount", 99)))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");

        driver.get(url("/dashboard/actions/" + id));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-on")));
        assertEquals("Sign in with Test IdP", driver.findElement(By.id("sign-on")).getText());
        assertTrue(driver.findElements(By.id("login-form")).isEmpty(), "local login is off");
        Browser.screenshot(driver, "sign-on-login");
        Browser.assertAccessible(driver, "sign-on login");

        driver.findElement(By.id("sign-on")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("login")));
        assertTrue(driver.getCurrentUrl().startsWith(OidcProviderProcess.issuer()), driver.getCurrentUrl());
        driver.findElement(By.name("login")).sendKeys("ada");
        driver.findElement(By.name("password")).sendKeys("any password");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(url("/dashboard")));
        assertTrue(driver.getPageSource().contains("ada@example.test"), "signed in as ada");

        driver.get(url("/dashboard/actions/" + id));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("decide-form")));
        driver.findElement(By.cssSelector("#decide-form textarea[name=comment]")).sendKeys("approved after SSO");
        driver.findElement(By.cssSelector("#decide-form button[value=APPROVED]")).click();
        wait.until(ExpectedConditions.urlContains("done="));
        agent(key).get("/api/v1/actions/" + id).then().statusCode(200).body("status", equalTo("APPROVED"))
                .body("decidedBy", equalTo("ada@example.test"));

        driver.findElement(By.cssSelector("form[action='/dashboard/logout'] button")).click();
        wait.until(ExpectedConditions.urlContains("/session/end"));
        driver.findElement(By.cssSelector("button[name=logout][value=yes]")).click();
        wait.until(ExpectedConditions.urlContains("loggedOut=1"));
        assertTrue(driver.getPageSource().contains("You are logged out."));

        driver.get(url("/dashboard"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-on")));
        driver.findElement(By.id("sign-on")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("login")));
        assertTrue(driver.getCurrentUrl().startsWith(OidcProviderProcess.issuer()), "signed out at the provider too");
    }
}
