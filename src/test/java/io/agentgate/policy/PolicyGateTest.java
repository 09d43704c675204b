package io.agentgate.policy;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.agentgate.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo governance file's agents and policies, end to end through the API. */
@QuarkusTest
class PolicyGateTest {

    /** A Tuesday, 10:00 UTC: inside business hours. */
    static final Instant TUESDAY_MORNING = Instant.parse("2026-11-24T10:00:00Z");
    /** A Saturday, 10:00 UTC. */
    static final Instant SATURDAY = Instant.parse("2026-11-28T10:00:00Z");

    @Inject
    TestClock clock;

    @BeforeEach
    void businessHours() {
        clock.pin(TUESDAY_MORNING);
    }

    @AfterEach
    void release() {
        clock.release();
    }

    static String keyOf(String agent) {
        return admin().post("/api/v1/agents/" + agent + "/keys").then().statusCode(200).extract().path("apiKey");
    }

    @Test
    void transactionOverTheLimitIsDeniedWithAReadableReason() {
        String key = keyOf("financial-advisor");
        agent(key).body(Map.of("action", "execute_transaction", "context", Map.of("amount", 5000, "recipient", "ACME")))
                .post("/api/v1/actions").then().statusCode(200)
                .body("status", equalTo("DENIED"))
                .body("violations.policy", hasItem("transaction-limit"))
                .body("violations.reason", hasItem("Transaction $5000 exceeds limit $1000"))
                .body("violations.severity", hasItem("high"))
                .body("violations.enforcement", hasItem("deny"));
    }

    @Test
    void transactionWithinTheLimitWaitsForApprovalByRule() {
        String key = keyOf("financial-advisor");
        agent(key).body(Map.of("action", "execute_transaction", "context", Map.of("amount", 500, "recipient", "ACME")))
                .post("/api/v1/actions").then().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("violations.policy", hasItem("approval-required"))
                .body("violations.reason", hasItem(containsString("action == 'execute_transaction'")))
                .body("violations.policy", not(hasItem("transaction-limit")));
    }

    @Test
    void smallRefundIsAllowedAndLargeRefundNeedsApproval() {
        String key = keyOf("customer-support");
        agent(key).body(Map.of("action", "process_refund", "context", Map.of("amount", 50, "order", "A-1")))
                .post("/api/v1/actions").then().statusCode(200).body("status", equalTo("ALLOWED"))
                .body("violations", empty());
        agent(key).body(Map.of("action", "process_refund", "context", Map.of("amount", 250, "order", "A-2")))
                .post("/api/v1/actions").then().statusCode(202).body("status", equalTo("PENDING"))
                .body("violations.policy", hasItem("approval-required"));
    }

    @Test
    void piiInAnExternalMessageIsDeniedNamingTheKindsOnly() {
        String key = keyOf("customer-support");
        agent(key).body(Map.of("action", "send_external_message", "context",
                        Map.of("channel", "partner-portal", "body",
                                Map.of("text", "Customer card 4111 1111 1111 1111, mail jane.doe@example.org"))))
                .post("/api/v1/actions").then().statusCode(200)
                .body("status", equalTo("DENIED"))
                .body("violations.policy", hasItem("no-pii-external"))
                .body("violations.reason", hasItem(containsString("email")))
                .body("violations.reason", not(hasItem(containsString("4111"))))
                .body("violations.reason", not(hasItem(containsString("jane.doe"))));
        agent(key).body(Map.of("action", "send_external_message", "context",
                        Map.of("body", "Your order A-1042 ships on 2026-12-01 for $1,234.56")))
                .post("/api/v1/actions").then().statusCode(200).body("status", equalTo("ALLOWED"));
    }

    @Test
    void transactionOutsideBusinessHoursGetsTheConfiguredEnforcement() {
        clock.pin(SATURDAY);
        String key = keyOf("financial-advisor");
        agent(key).body(Map.of("action", "execute_transaction", "context", Map.of("amount", 200)))
                .post("/api/v1/actions").then().statusCode(200)
                .body("status", equalTo("DENIED"))
                .body("violations.policy", hasItems("business-hours", "approval-required"))
                .body("violations.find { it.policy == 'business-hours' }.enforcement", equalTo("deny"))
                .body("violations.find { it.policy == 'business-hours' }.severity", equalTo("medium"));
    }

    @Test
    void auditPolicyRecordsAViolationAndAllows() {
        String name = io.agentgate.Api.uniqueName("coder");
        String key = io.agentgate.Api.register(Map.of("name", name, "riskLevel", "MEDIUM",
                "capabilities", Map.of("executeCode", true)));
        String id = agent(key).body(Map.of("action", "run_tests", "context", Map.of("suite", "unit")))
                .post("/api/v1/actions").then().statusCode(200)
                .body("status", equalTo("ALLOWED"))
                .body("violations.policy", hasItem("code-execution-audit"))
                .body("violations.enforcement", hasItem("audit"))
                .extract().path("id");
        admin().get("/api/v1/violations?agent=" + name + "&policy=code-execution-audit").then().statusCode(200)
                .body("items.actionId", hasItem(id))
                .body("items.reason", hasItem("Code execution requested"));
    }

    @Test
    void readOnlyAgentCannotWriteAndUnknownToolsAreDenied() {
        String key = keyOf("knowledge-base-qa");
        agent(key).body(Map.of("action", "search_knowledge_base", "context", Map.of("q", "returns")))
                .post("/api/v1/actions").then().statusCode(200).body("status", equalTo("ALLOWED"));
        agent(key).body(Map.of("action", "update_article", "context", Map.of("id", 7)))
                .post("/api/v1/actions").then().statusCode(200).body("status", equalTo("DENIED"))
                .body("violations.policy", hasItems("capability", "tool-access"));
    }

    @Test
    void policiesAreListedWithSeverityEnforcementAndScope() {
        admin().get("/api/v1/policies").then().statusCode(200)
                .body("name", hasItems("no-pii-external", "transaction-limit", "business-hours", "capability",
                        "tool-access", "rate-limit", "approval-required", "refund-to-new-account",
                        "bulk-customer-export", "code-execution-audit"))
                .body("find { it.name == 'refund-to-new-account' }.enforcement", equalTo("review"))
                .body("find { it.name == 'refund-to-new-account' }.scope.agents", hasItem("customer-support"))
                .body("find { it.name == 'business-hours' }.scope.riskLevels", hasItems("HIGH", "CRITICAL"));
    }

    @Test
    void badApprovalRuleIsRejectedWithItsPosition() {
        admin().body(Map.of("name", io.agentgate.Api.uniqueName("bad-rule"), "riskLevel", "HIGH",
                        "approval", Map.of("required", true, "rule", "action == 'x' && contxt.amount > 1")))
                .post("/api/v1/agents").then().statusCode(400)
                .body("errors[0].field", equalTo("approval.rule"))
                .body("errors[0].message", containsString("contxt"))
                .body("errors[0].message", containsString("1:"));
    }

    @Test
    void violationsAreCountedInPrometheus() {
        String key = keyOf("financial-advisor");
        agent(key).body(Map.of("action", "execute_transaction", "context", Map.of("amount", 99999)))
                .post("/api/v1/actions").then().statusCode(200);
        io.restassured.RestAssured.given().get("/q/metrics").then()
                .body(containsString("ai_agent_policy_violations_total{agent_name=\"financial-advisor\",policy_name=\"transaction-limit\",severity=\"high\"}"));
    }
}
