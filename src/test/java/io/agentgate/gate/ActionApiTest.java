package io.agentgate.gate;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ActionApiTest {

    private static long audits(String type, String id) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, UUID.fromString(id)));
    }

    @Test
    void actionOfAnUngatedAgentIsAllowed() {
        String key = Api.openAgent(uniqueName("open"));
        String id = agent(key).body(Map.of("action", "search_knowledge_base", "context", Map.of("q", "refund policy")))
                .post("/api/v1/actions").then()
                .statusCode(200)
                .body("status", equalTo("ALLOWED"))
                .body("violations", empty())
                .body("deadline", nullValue())
                .extract().path("id");
        agent(key).get("/api/v1/actions/" + id).then().statusCode(200)
                .body("status", equalTo("ALLOWED")).body("action", equalTo("search_knowledge_base"));
        assertEquals(1, audits(AuditLog.SUBMITTED, id));
    }

    @Test
    void actionOfAGatedAgentIsPendingWithDeadlineAndPollUrl() {
        String key = Api.gatedAgent(uniqueName("gated"), 120);
        Instant before = Instant.now();
        Response r = agent(key).body(Map.of("action", "book_meeting", "context", Map.of("amount", 500)))
                .post("/api/v1/actions");
        r.then().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("violations.policy", hasItem("approval-required"))
                .body("violations.enforcement", hasItem("review"))
                .body("pollUrl", containsString("/api/v1/actions/" + r.path("id")));
        Instant deadline = Instant.parse(r.path("deadline"));
        long seconds = Duration.between(before, deadline).toSeconds();
        assertTrue(seconds >= 119 && seconds <= 121, "deadline ~120 s away, was " + seconds);
    }

    @Test
    void adminDecisionApprovesAndSecondDecisionConflicts() {
        String key = Api.gatedAgent(uniqueName("dec"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com", "comment", "looks fine"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("decidedBy", equalTo("alice@example.com"))
                .body("comment", equalTo("looks fine")).body("decidedAt", notNullValue());
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "bob@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(409)
                .contentType("application/problem+json")
                .body("currentStatus", equalTo("APPROVED")).body("decidedBy", equalTo("alice@example.com"));
        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("APPROVED"));
        assertEquals(1, audits(AuditLog.DECIDED, id));
    }

    @Test
    void decisionMustBeApproveOrReject() {
        String key = Api.gatedAgent(uniqueName("bad-dec"), null);
        String id = agent(key).body(Map.of("action", "x")).post("/api/v1/actions").then().extract().path("id");
        admin().body(Map.of("decision", "TIMED_OUT", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(400)
                .body("errors[0].field", equalTo("decision"));
        admin().body(Map.of("decision", "APPROVED")).post("/api/v1/actions/" + id + "/decision").then()
                .statusCode(400).body("errors.field", hasItem("decidedBy"));
        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("PENDING"));
    }

    @Test
    void agentCancelsItsPendingActionOnce() {
        String key = Api.gatedAgent(uniqueName("cancel"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().extract().path("id");
        agent(key).post("/api/v1/actions/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
        agent(key).post("/api/v1/actions/" + id + "/cancel").then().statusCode(409)
                .body("currentStatus", equalTo("CANCELLED"));
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(409);
        assertEquals(1, audits(AuditLog.CANCELLED, id));
    }

    @Test
    void cancellingAnAllowedActionConflicts() {
        String key = Api.openAgent(uniqueName("c2"));
        String id = agent(key).body(Map.of("action", "read")).post("/api/v1/actions").then().extract().path("id");
        agent(key).post("/api/v1/actions/" + id + "/cancel").then().statusCode(409)
                .body("currentStatus", equalTo("ALLOWED"));
    }

    @Test
    void anotherAgentsActionDoesNotExist() {
        String owner = Api.gatedAgent(uniqueName("owner"), null);
        String other = Api.openAgent(uniqueName("other"));
        String id = agent(owner).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().extract().path("id");
        agent(other).get("/api/v1/actions/" + id).then().statusCode(404).contentType("application/problem+json");
        agent(other).post("/api/v1/actions/" + id + "/cancel").then().statusCode(404);
        agent(other).body(Map.of("result", "done")).post("/api/v1/actions/" + id + "/result").then().statusCode(404);
        agent(owner).get("/api/v1/actions/" + id).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    @Test
    void unknownOrMalformedIdsAreNotFound() {
        String key = Api.openAgent(uniqueName("ids"));
        agent(key).get("/api/v1/actions/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        agent(key).get("/api/v1/actions/not-a-uuid").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("/api/v1/actions/not-a-uuid"));
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "a@example.com"))
                .post("/api/v1/actions/" + UUID.randomUUID() + "/decision").then().statusCode(404);
    }

    @Test
    void resultIsRecordedOnceForAllowedActions() {
        String key = Api.openAgent(uniqueName("res"));
        String id = agent(key).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions")
                .then().extract().path("id");
        agent(key).body(Map.of("result", "3 articles", "durationMs", 120, "model", "gpt-x", "inputTokens", 50,
                "outputTokens", 200)).post("/api/v1/actions/" + id + "/result").then().statusCode(204);
        agent(key).body(Map.of("result", "again")).post("/api/v1/actions/" + id + "/result").then().statusCode(409);
        assertEquals(1, audits(AuditLog.RESULT, id));

        String gated = Api.gatedAgent(uniqueName("res-p"), null);
        String pending = agent(gated).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().extract().path("id");
        agent(gated).body(Map.of("result", "done anyway")).post("/api/v1/actions/" + pending + "/result").then()
                .statusCode(409).body("currentStatus", equalTo("PENDING"));
    }

    @Test
    void idempotencyKeyReturnsTheFirstAnswer() {
        String name = uniqueName("idem");
        String key = Api.gatedAgent(name, null);
        Map<String, Object> body = Map.of("action", "book_meeting", "context", Map.of("amount", 10),
                "idempotencyKey", "order-42");
        String first = agent(key).body(body).post("/api/v1/actions").then().statusCode(202)
                .header("Idempotent-Replayed", nullValue()).extract().path("id");
        agent(key).body(body).post("/api/v1/actions").then().statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first)).body("status", equalTo("PENDING"));
        admin().get("/api/v1/actions?agent=" + name).then().body("items", hasSize(1));

        agent(key).body(Map.of("action", "book_meeting", "context", Map.of("amount", 99999),
                "idempotencyKey", "order-42")).post("/api/v1/actions").then().statusCode(409)
                .body("title", equalTo("Idempotency key reused"));

        // keys are per agent: another agent may use the same key
        String other = Api.openAgent(uniqueName("idem2"));
        agent(other).body(body).post("/api/v1/actions").then().statusCode(200);
    }

    @Test
    void concurrentRepeatsOfOneKeyCreateOneAction() throws Exception {
        String name = uniqueName("idem-race");
        String key = Api.gatedAgent(name, null);
        Map<String, Object> body = Map.of("action", "book_meeting", "idempotencyKey", "race-1");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> agent(key).body(body).post("/api/v1/actions").then().statusCode(202)
                        .extract().<String>path("id")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : futures) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), "all repeats answered with the first action");
        } finally {
            pool.shutdownNow();
        }
        admin().get("/api/v1/actions?agent=" + name).then().body("items", hasSize(1));
    }

    @Test
    void invalidSubmissionsAreRejectedAndNothingIsStored() {
        String name = uniqueName("inval");
        String key = Api.openAgent(name);
        agent(key).body(Map.of("context", Map.of("a", 1))).post("/api/v1/actions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("action"));
        agent(key).body(Map.of("action", "x", "timeoutSeconds", 0)).post("/api/v1/actions").then().statusCode(400)
                .body("errors.field", hasItem("timeoutSeconds"));
        agent(key).body(Map.of("action", "x", "context", "not an object")).post("/api/v1/actions").then()
                .statusCode(400).body("errors.field", hasItem("context"));
        agent(key).body("{\"action\": \"x\", ").post("/api/v1/actions").then().statusCode(400)
                .body("title", equalTo("Malformed JSON"));
        agent(key).body("{\"action\":\"x\",\"context\":{\"blob\":\"" + "y".repeat(1024 * 1024) + "\"}}")
                .post("/api/v1/actions").then().statusCode(413).contentType("application/problem+json");
        admin().get("/api/v1/actions?agent=" + name).then().body("items", empty());
    }

    @Test
    void callbackToAnInternalAddressIsRefused() {
        String name = uniqueName("ssrf");
        String key = Api.gatedAgent(name, null);
        agent(key).body(Map.of("action", "book_meeting", "callbackUrl", "http://169.254.169.254/latest/meta-data"))
                .post("/api/v1/actions").then().statusCode(400)
                .body("errors[0].field", equalTo("callbackUrl"))
                .body("errors[0].message", containsString("169.254.169.254"));
        admin().get("/api/v1/actions?agent=" + name).then().body("items", empty());
    }

    @Test
    void agentEndpointsNeedAnAgentKey() {
        given().contentType("application/json").body(Map.of("action", "x")).post("/api/v1/actions").then()
                .statusCode(401).contentType("application/problem+json");
        agent("agk_not-a-real-key").body(Map.of("action", "x")).post("/api/v1/actions").then().statusCode(401);
        admin().body(Map.of("action", "x")).post("/api/v1/actions").then().statusCode(403);
    }

    @Test
    void adminListFiltersAndPages() {
        String name = uniqueName("list");
        String key = Api.gatedAgent(name, null);
        for (int i = 0; i < 3; i++) {
            agent(key).body(Map.of("action", "book_meeting", "context", Map.of("n", i)))
                    .post("/api/v1/actions").then().statusCode(202);
        }
        admin().get("/api/v1/actions?agent=" + name + "&status=pending&size=2").then().statusCode(200)
                .body("items", hasSize(2)).body("hasMore", equalTo(true))
                .body("items.status", everyItem(equalTo("PENDING")))
                .body("items[0].violations[0].policy", equalTo("approval-required"));
        admin().get("/api/v1/actions?agent=" + name + "&size=2&page=1").then().body("items", hasSize(1))
                .body("hasMore", equalTo(false));
        admin().get("/api/v1/actions?status=SOMETIMES").then().statusCode(400).body("errors[0].field", equalTo("status"));
        admin().get("/api/v1/actions?size=0").then().statusCode(400);
        agent(key).get("/api/v1/actions").then().statusCode(403);
    }

    @Test
    void waitMustBeANonNegativeNumber() {
        String key = Api.openAgent(uniqueName("w"));
        String id = agent(key).body(Map.of("action", "x")).post("/api/v1/actions").then().extract().path("id");
        agent(key).get("/api/v1/actions/" + id + "?wait=-1").then().statusCode(400).body("errors[0].field", equalTo("wait"));
        agent(key).get("/api/v1/actions/" + id + "?wait=soon").then().statusCode(400);
        agent(key).get("/api/v1/actions/" + id + "?wait=100000").then().statusCode(200).body("status", equalTo("ALLOWED"));
    }
}
