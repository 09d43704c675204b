package io.agentgate.agent;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AgentResourceTest {

    @Inject
    AgentService agents;

    static Map<String, Object> financialAdvisor(String name) {
        return Map.of("name", name, "displayName", "Financial Advisory Agent", "riskLevel", "HIGH",
                "capabilities", Map.of("writeData", true, "sendExternalMessages", true, "executeCode", false,
                        "financialTransactions", true),
                "maxTransactionAmount", 1000.0,
                "approval", Map.of("required", true, "rule", "action == 'execute_transaction'",
                        "approvers", List.of("alice@example.com"), "requiredApprovals", 1, "timeoutSeconds", 300));
    }

    @Test
    void createReturnsAgentWithKeyShownOnce() {
        String name = uniqueName("fa");
        String key = admin().body(financialAdvisor(name)).post("/api/v1/agents").then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/agents/" + name))
                .body("name", equalTo(name))
                .body("riskLevel", equalTo("HIGH"))
                .body("capabilities.financialTransactions", equalTo(true))
                .body("maxTransactionAmount", equalTo(1000))
                .body("approval.rule", equalTo("action == 'execute_transaction'"))
                .body("apiKey", startsWith("agk_"))
                .extract().path("apiKey");
        assertEquals(47, key.length(), "agk_ + 43 base64url chars of 256 bits");

        admin().get("/api/v1/agents/" + name).then().statusCode(200)
                .body("name", equalTo(name)).body("$", not(hasKey("apiKey")));
        admin().get("/api/v1/agents").then().statusCode(200).body("name", hasItem(name));
    }

    @Test
    void keyIsStoredOnlyAsHash() {
        String name = uniqueName("hash");
        String key = Api.openAgent(name);
        Agent stored = agents.get(name);
        assertNotEquals(key, stored.apiKeyHash);
        assertEquals(ApiKeys.hash(key), stored.apiKeyHash);
        assertEquals(64, stored.apiKeyHash.length());
    }

    @Test
    void duplicateNameIsConflict() {
        String name = uniqueName("dup");
        Api.openAgent(name);
        admin().body(Map.of("name", name, "riskLevel", "LOW")).post("/api/v1/agents").then()
                .statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409)).body("detail", containsString(name));
    }

    @Test
    void invalidBodyListsEveryBadField() {
        admin().body(Map.of("name", "Bad Name!", "riskLevel", "LOW", "maxTransactionAmount", -5,
                        "approval", Map.of("required", true, "approvers", List.of("not-an-email"))))
                .post("/api/v1/agents").then()
                .statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid request"))
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("maxTransactionAmount"))
                .body("errors.field", hasItem("approval.approvers[0]"));
    }

    @Test
    void unknownRiskLevelIsFieldError() {
        admin().body("{\"name\":\"x1\",\"riskLevel\":\"EXTREME\"}").post("/api/v1/agents").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("riskLevel"))
                .body("errors[0].message", containsString("HIGH"));
    }

    @Test
    void quorumLargerThanApproversIsRejected() {
        admin().body(Map.of("name", uniqueName("q"), "riskLevel", "HIGH", "approval",
                        Map.of("required", true, "approvers", List.of("a@example.com"), "requiredApprovals", 2)))
                .post("/api/v1/agents").then()
                .statusCode(400).body("errors[0].field", equalTo("approval.requiredApprovals"));
    }

    @Test
    void malformedJsonIsBadRequest() {
        admin().body("{\"name\": ").post("/api/v1/agents").then()
                .statusCode(400).contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
    }

    @Test
    void adminApiNeedsAdminToken() {
        given().get("/api/v1/agents").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("wrong-token").get("/api/v1/agents").then().statusCode(401)
                .contentType("application/problem+json");
        String key = Api.openAgent(uniqueName("nonadmin"));
        agent(key).get("/api/v1/agents").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void unknownAgentIsNotFound() {
        admin().get("/api/v1/agents/no-such-agent").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void updateChangesSettingsButNotName() {
        String name = uniqueName("upd");
        Api.openAgent(name);
        admin().body(Map.of("riskLevel", "CRITICAL", "maxTransactionAmount", 50)).put("/api/v1/agents/" + name)
                .then().statusCode(200).body("riskLevel", equalTo("CRITICAL")).body("maxTransactionAmount", equalTo(50));
        admin().body(Map.of("name", "other", "riskLevel", "LOW")).put("/api/v1/agents/" + name)
                .then().statusCode(400).body("errors[0].field", equalTo("name"));
        admin().body(Map.of("riskLevel", "LOW")).put("/api/v1/agents/missing-agent").then().statusCode(404);
    }

    @Test
    void rotatedKeyReplacesTheOldOne() {
        String name = uniqueName("rot");
        String oldKey = Api.openAgent(name);
        agent(oldKey).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions").then().statusCode(200);

        String newKey = admin().post("/api/v1/agents/" + name + "/keys").then().statusCode(200)
                .body("apiKey", startsWith("agk_")).extract().path("apiKey");
        assertNotEquals(oldKey, newKey);
        agent(oldKey).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions").then().statusCode(401);
        agent(newKey).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions").then().statusCode(200);
    }

    @Test
    void bodyOverOneMebibyteIsRefused() {
        String big = "x".repeat(1024 * 1024 + 10);
        admin().contentType(ContentType.JSON).body("{\"name\":\"" + big + "\"}").post("/api/v1/agents").then()
                .statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }
}
