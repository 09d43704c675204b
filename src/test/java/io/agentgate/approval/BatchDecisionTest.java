package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.approval.GrantApiTest.agentWith;
import static io.agentgate.approval.GrantApiTest.audits;
import static io.agentgate.approval.GrantApiTest.pending;
import static io.agentgate.approval.People.token;
import static io.agentgate.approval.People.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.audit.AuditLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 22: POST /api/v1/decisions decides each item alone; one failing item fails alone. */
@QuarkusTest
class BatchDecisionTest {

    @Test
    void oneAlreadyDecidedItemFailsAloneWithItsConflict() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID a = pending(key, Map.of("n", 1));
        UUID decided = pending(key, Map.of("n", 2));
        UUID c = pending(key, Map.of("n", 3));
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "bob")).post("/api/v1/actions/" + decided
                + "/decision").then().statusCode(200);
        UUID unknown = UUID.randomUUID();

        admin().body(Map.of("ids", List.of(a, decided, c, unknown), "decision", "APPROVED", "decidedBy",
                "ops-script", "comment", "batch of the morning")).post("/api/v1/decisions").then().statusCode(200)
                .body("results.size()", equalTo(4))
                .body("results[0].id", equalTo(a.toString())).body("results[0].status", equalTo(200))
                .body("results[0].action.status", equalTo("APPROVED"))
                .body("results[0].action.comment", equalTo("batch of the morning"))
                .body("results[1].status", equalTo(409))
                .body("results[1].problem.type", equalTo("/problems/action-not-pending"))
                .body("results[1].problem.currentStatus", equalTo("REJECTED"))
                .body("results[2].status", equalTo(200)).body("results[2].action.status", equalTo("APPROVED"))
                .body("results[3].status", equalTo(404));
        // each decided item audited on its own; the refused one keeps its first decision
        assertEquals(1, audits(AuditLog.DECIDED, a));
        assertEquals(1, audits(AuditLog.DECIDED, c));
        assertEquals(1, audits(AuditLog.DECIDED, decided));
    }

    @Test
    void aPersonalTokenVotesOnEachItemUnderTheUsualRules() {
        String approver = user("approver");
        String tokenOf = token(approver);
        String key = agentWith(List.of(approver), 1);
        UUID mine = pending(key, Map.of("n", 1));
        UUID own = UUID.fromString(GrantApiTest.submit(key, "execute_transfer", Map.of("n", 2), approver).then()
                .statusCode(202).extract().path("id"));
        UUID foreign = pending(agentWith(List.of("alice@example.com"), 1), Map.of("n", 3));
        given().auth().oauth2(tokenOf).contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(mine, own, foreign), "decision", "APPROVED"))
                .post("/api/v1/decisions").then().statusCode(200)
                .body("results[0].status", equalTo(200)).body("results[0].action.decidedBy", equalTo(approver))
                .body("results[1].status", equalTo(403))
                .body("results[1].problem.type", equalTo("/problems/self-approval"))
                .body("results[2].status", equalTo(403))
                .body("results[2].problem.type", equalTo("/problems/not-an-approver"));
    }

    @Test
    void aBadBatchDecidesNothing() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID a = pending(key, Map.of("n", 1));
        admin().body(Map.of("ids", List.of(a), "decision", "TIMED_OUT", "decidedBy", "x"))
                .post("/api/v1/decisions").then().statusCode(400).contentType("application/problem+json");
        admin().body(Map.of("ids", List.of(), "decision", "APPROVED", "decidedBy", "x"))
                .post("/api/v1/decisions").then().statusCode(400);
        admin().body(Map.of("ids", List.of(a), "decision", "APPROVED"))
                .post("/api/v1/decisions").then().statusCode(400).body("errors.field", org.hamcrest.Matchers
                        .hasItem("decidedBy"));
        io.agentgate.Api.agent(key).get("/api/v1/actions/" + a).then().body("status", equalTo("PENDING"));
    }
}
