package io.agentgate.observability;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OperationsTest {

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void openApiDocumentsEveryEndpointWithItsResponses() {
        JsonPath spec = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath();
        Map<String, List<String>> expected = Map.of(
                "/api/v1/agents", List.of("get", "post"),
                "/api/v1/agents/{name}", List.of("get", "put"),
                "/api/v1/agents/{name}/keys", List.of("post"),
                "/api/v1/actions", List.of("get", "post"),
                "/api/v1/actions/{id}", List.of("get"),
                "/api/v1/actions/{id}/cancel", List.of("post"),
                "/api/v1/actions/{id}/result", List.of("post"),
                "/api/v1/actions/{id}/decision", List.of("post"));
        expected.forEach((path, methods) -> methods.forEach(method -> {
            Map<String, Object> op = spec.getMap("paths.'" + path + "'." + method);
            assertTrue(op != null, method + " " + path + " is documented");
            assertTrue(op.get("summary") != null, method + " " + path + " has a summary");
            Map<String, Object> responses = spec.getMap("paths.'" + path + "'." + method + ".responses");
            assertTrue(responses.containsKey("401"), method + " " + path + " documents 401");
            assertTrue(responses.keySet().stream().anyMatch(k -> k.startsWith("2")), method + " " + path + " documents success");
        }));
    }

    @Test
    void contractMetricsAreExported() {
        String key = Api.gatedAgent(uniqueName("metrics"), null);
        String open = Api.openAgent(uniqueName("metrics-open"));
        agent(open).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions").then().statusCode(200);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions").then()
                .statusCode(202).extract().path("id");
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ai_agent_actions_total{action=\"search_knowledge_base\",agent_name=\"metrics-open"))
                .body(containsString("allowed=\"true\""))
                .body(containsString("allowed=\"false\""))
                .body(containsString("ai_agent_approval_requests_total{agent_name=\"metrics-"))
                .body(containsString("status=\"rejected\""))
                .body(containsString("ai_agent_pending_actions "))
                .body(containsString("ai_agent_decision_latency_seconds_bucket{"));
    }
}
