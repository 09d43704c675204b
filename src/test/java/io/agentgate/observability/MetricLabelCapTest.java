package io.agentgate.observability;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11, item 7: agent-chosen action names cannot grow the metric series without bound; huge PII scans fail closed. */
@QuarkusTest
class MetricLabelCapTest {

    @Test
    void madeUpActionNamesBeyondTheCapAreCountedAsOther() {
        String name = Api.uniqueName("labels");
        String key = Api.openAgent(name);
        for (int i = 0; i < 80; i++) {
            agent(key).body(Map.of("action", "made_up_" + i)).post("/api/v1/actions").then().statusCode(200);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        long series = metrics.lines().filter(l -> l.startsWith("ai_agent_actions_total{")
                && l.contains("agent_name=\"" + name + "\"")).count();
        assertEquals(51, series, "50 names and _other");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("ai_agent_actions_total{")
                && l.contains("action=\"_other\"") && l.contains(name) && l.endsWith(" 30.0")), "30 under _other");
    }

    @Test
    void aContextTooLargeToScanIsDeniedWithAClearViolation() {
        String key = Api.register(Map.of("name", Api.uniqueName("pii-budget"), "riskLevel", "LOW",
                "capabilities", Map.of("sendExternalMessages", true)));
        agent(key).body(Map.of("action", "send_external_message", "context", Map.of("text", "(555) ".repeat(150_000))))
                .post("/api/v1/actions").then().statusCode(200).body("status", equalTo("DENIED"))
                .body("violations.reason", org.hamcrest.Matchers.hasItem(containsString("could not be checked for PII")));
        admin().get("/api/v1/policies").then().statusCode(200);
    }
}
