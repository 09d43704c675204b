package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.agentgate.mcp.McpClients.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.dashboard.Browser;
import io.agentgate.dashboard.Sessions;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole approve-with-edits path through the gateway: an agent's MCP call is held, an approver changes its
 * arguments in the dashboard's editor (real headless Chromium) and approves, and the upstream receives the edit.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpCallEditedOnDashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private UpstreamMcpServer upstream;
    private String server;
    private ChromeDriver driver;

    @BeforeAll
    void start() throws Exception {
        RestAssured.port = base.getPort();
        driver = Browser.start();
        upstream = new UpstreamMcpServer();
        server = "bank" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201);
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aHeldCallEditedInTheDashboardReachesTheUpstreamAsEdited() throws Exception {
        String name = uniqueName("edited-on-page");
        String key = Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval", Map.of("required", true,
                "rule", "action == '" + server + "__transfer'", "approvers", List.of(Sessions.ALICE)),
                "allowedActions", List.of(server + "__transfer")));
        try (McpSyncClient client = McpClients.connect(base, key)) {
            CompletableFuture<McpSchema.CallToolResult> held = CompletableFuture.supplyAsync(() -> client.callTool(
                    new McpSchema.CallToolRequest(server + "__transfer", Map.of("amount", 900, "to", "carol"),
                            Map.of("progressToken", UUID.randomUUID().toString()))));
            String id = await().atMost(Duration.ofSeconds(10)).until(() -> newestPending(name), v -> v != null);

            driver.get(base.toString().replaceAll("/$", "") + "/");
            driver.findElement(By.id("j_username")).sendKeys(Sessions.ALICE);
            driver.findElement(By.id("j_password")).sendKeys(Sessions.ALICE_PASSWORD);
            driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            wait.until(ExpectedConditions.urlContains("/dashboard"));
            driver.get(base.toString().replaceAll("/$", "") + "/dashboard/actions/" + id);
            WebElement editor = driver.findElement(By.id("tool-args"));
            assertEquals(JSON.valueToTree(Map.of("amount", 900, "to", "carol")),
                    JSON.readTree(editor.getAttribute("value")), "the held call's arguments");
            editor.clear();
            editor.sendKeys("{\"amount\": 90, \"to\": \"carol\"}");
            driver.findElement(By.id("comment")).sendKeys("90, not 900");
            Browser.screenshot(driver, "mcp-call-edited-on-dashboard");
            driver.findElement(By.id("approve")).click();
            wait.until(ExpectedConditions.urlContains("done=decided"));

            McpSchema.CallToolResult result = held.get(20, TimeUnit.SECONDS);
            assertFalse(Boolean.TRUE.equals(result.isError()), text(result));
            assertEquals("transferred 90 to carol", text(result));
            List<UpstreamMcpServer.Received> got = upstream.calls("transfer");
            assertEquals(1, got.size(), "the call ran once");
            assertEquals(90, ((Number) got.get(0).arguments().get("amount")).intValue(), "with the approver's edit");
        }
    }

    private static String newestPending(String agent) {
        List<String> ids = admin().get("/api/v1/actions?agent=" + agent + "&status=PENDING").then().statusCode(200)
                .extract().path("items.id");
        return ids.isEmpty() ? null : ids.get(0);
    }
}
