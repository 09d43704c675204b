package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.approval.People.token;
import static io.agentgate.approval.People.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.Api;
import io.agentgate.TestClock;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 22: grants given with a decision by API (admin token and personal tokens), used, limited and revoked. */
@QuarkusTest
class GrantApiTest {

    @Inject
    TestClock clock;

    @AfterEach
    void release() {
        clock.release();
    }

    /** An agent whose every action needs {@code required} approvals of the approvers; returns its key. */
    static String agentWith(List<String> approvers, int required) {
        return Api.register(Map.of("name", Api.uniqueName("granted"), "riskLevel", "MEDIUM", "approval",
                Map.of("required", true, "approvers", approvers, "requiredApprovals", required)));
    }

    static Response submit(String key, String action, Map<String, Object> context, String userId) {
        Map<String, Object> body = new HashMap<>(Map.of("action", action, "context", context));
        if (userId != null) {
            body.put("userId", userId);
        }
        return agent(key).body(body).post("/api/v1/actions");
    }

    static UUID pending(String key, Map<String, Object> context) {
        return UUID.fromString(submit(key, "execute_transfer", context, null).then().statusCode(202).extract()
                .path("id"));
    }

    static Map<String, Object> grant(String scope, String duration, Integer maxUses) {
        Map<String, Object> grant = new LinkedHashMap<>(Map.of("scope", scope, "for", duration));
        if (maxUses != null) {
            grant.put("maxUses", maxUses);
        }
        return grant;
    }

    static Response decide(String bearer, UUID id, String decision, Map<String, Object> grant) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", decision, "decidedBy", "ops-script"));
        if (grant != null) {
            body.put("grant", grant);
        }
        return given().auth().oauth2(bearer).contentType(ContentType.JSON).body(body)
                .post("/api/v1/actions/" + id + "/decision");
    }

    static String granted(String bearer, UUID id, Map<String, Object> grant) {
        return decide(bearer, id, "APPROVED", grant).then().statusCode(200).body("status", equalTo("APPROVED"))
                .body("grantId", notNullValue()).extract().path("grantId");
    }

    static long audits(String type, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, id));
    }

    @Test
    void aSameArgumentsGrantPassesTheIdenticalCallOnly() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID first = pending(key, Map.of("amount", 40, "recipient", "acme"));
        String grantId = granted(Api.ADMIN_TOKEN, first, grant("same-arguments", "PT1H", 20));

        // the same arguments in another key order pass, with the review violation still listed
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("recipient", "acme");
        reordered.put("amount", 40);
        String passed = submit(key, "execute_transfer", reordered, null).then().statusCode(200)
                .body("status", equalTo("ALLOWED")).body("grantId", equalTo(grantId))
                .body("violations.policy", hasItem("approval-required")).body("deadline", nullValue())
                .extract().path("id");
        assertEquals(1, audits(GrantIndex.USED_EVENT, UUID.fromString(passed)));
        agent(key).get("/api/v1/actions/" + passed).then().statusCode(200).body("status", equalTo("ALLOWED"));

        // other arguments, or another action, are held as before
        submit(key, "execute_transfer", Map.of("amount", 41, "recipient", "acme"), null).then().statusCode(202);
        submit(key, "book_meeting", Map.of("amount", 40, "recipient", "acme"), null).then().statusCode(202);

        admin().get("/api/v1/grants/" + grantId).then().statusCode(200).body("uses", equalTo(1))
                .body("state", equalTo("active")).body("scope", equalTo("same-arguments"))
                .body("arguments.amount", equalTo(40)).body("grantedBy", equalTo("ops-script"))
                .body("covers", containsString("exactly these arguments"))
                .body("covers", containsString("for 1 hour, up to 20 times"))
                .body("doesNotCover", containsString("anything a policy denies"));
        String metrics = given().get("/q/metrics").asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("agentgate_grant_uses_total{agent=\""),
                "uses counter");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("agentgate_grants_active"), "active gauge");
    }

    @Test
    void aSameActionGrantPassesAnyArgumentsOfThatActionOnly() {
        String key = agentWith(List.of("alice@example.com"), 1);
        String grantId = granted(Api.ADMIN_TOKEN, pending(key, Map.of("amount", 40)), grant("same-action", "PT1H",
                null));
        String passed = submit(key, "execute_transfer", Map.of("amount", 999, "recipient", "other"), null).then()
                .statusCode(200).body("status", equalTo("ALLOWED")).body("grantId", equalTo(grantId))
                .extract().path("id");
        // the passed action's page names the grant it passed by
        io.agentgate.dashboard.Sessions viewer = io.agentgate.dashboard.Sessions.login(
                io.agentgate.dashboard.Sessions.VIEWER, io.agentgate.dashboard.Sessions.VIEWER_PASSWORD);
        viewer.request().get("/dashboard/actions/" + passed).then().statusCode(200)
                .body(containsString("id=\"passed-by-grant\""))
                .body(containsString("same-action grant " + grantId + "</a>, given by <strong>ops-script</strong>"));
        submit(key, "book_meeting", Map.of("amount", 40), null).then().statusCode(202);
        // another agent with the same action is not covered
        submit(agentWith(List.of("alice@example.com"), 1), "execute_transfer", Map.of("amount", 40), null).then()
                .statusCode(202);
    }

    @Test
    void usesRunOut() {
        String key = agentWith(List.of("alice@example.com"), 1);
        String grantId = granted(Api.ADMIN_TOKEN, pending(key, Map.of("n", 1)), grant("same-action", "PT1H", 2));
        submit(key, "execute_transfer", Map.of("n", 2), null).then().statusCode(200);
        submit(key, "execute_transfer", Map.of("n", 3), null).then().statusCode(200);
        submit(key, "execute_transfer", Map.of("n", 4), null).then().statusCode(202).body("grantId", nullValue());
        admin().get("/api/v1/grants/" + grantId).then().body("uses", equalTo(2)).body("state", equalTo("used-up"));
    }

    @Test
    void anExpiredGrantPassesNothing() {
        String key = agentWith(List.of("alice@example.com"), 1);
        String grantId = granted(Api.ADMIN_TOKEN, pending(key, Map.of("n", 1)), grant("same-action", "PT1H", null));
        clock.runFrom(java.time.Instant.now().plus(Duration.ofMinutes(61)));
        submit(key, "execute_transfer", Map.of("n", 2), null).then().statusCode(202);
        admin().get("/api/v1/grants/" + grantId).then().body("state", equalTo("expired")).body("uses", equalTo(0));
    }

    @Test
    void aRevokedGrantPassesNothingAndIsRevokedOnce() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID source = pending(key, Map.of("n", 1));
        String grantId = granted(Api.ADMIN_TOKEN, source, grant("same-action", "P1D", null));
        admin().get("/api/v1/grants?active=true").then().statusCode(200).body("id", hasItem(grantId));
        admin().delete("/api/v1/grants/" + grantId).then().statusCode(204);
        submit(key, "execute_transfer", Map.of("n", 2), null).then().statusCode(202);
        admin().delete("/api/v1/grants/" + grantId).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("admin-token"));
        admin().get("/api/v1/grants/" + grantId).then().body("state", equalTo("revoked"));
        admin().get("/api/v1/grants?active=true").then().body("id", org.hamcrest.Matchers.not(hasItem(grantId)));
        assertEquals(1, audits(Grants.REVOKED_EVENT, source));
        admin().delete("/api/v1/grants/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aDenyStillDeniesUnderAGrant() {
        String key = Api.register(Map.of("name", Api.uniqueName("granted-payer"), "riskLevel", "MEDIUM",
                "capabilities", Map.of("financialTransactions", true), "maxTransactionAmount", 100,
                "approval", Map.of("required", true, "approvers", List.of("alice@example.com"))));
        UUID first = UUID.fromString(submit(key, "execute_transaction", Map.of("amount", 40), null).then()
                .statusCode(202).extract().path("id"));
        String grantId = granted(Api.ADMIN_TOKEN, first, grant("same-action", "PT1H", null));
        submit(key, "execute_transaction", Map.of("amount", 50), null).then().statusCode(200)
                .body("status", equalTo("ALLOWED")).body("grantId", equalTo(grantId));
        submit(key, "execute_transaction", Map.of("amount", 500), null).then().statusCode(200)
                .body("status", equalTo("DENIED")).body("grantId", nullValue())
                .body("violations.policy", hasItem("transaction-limit"));
        admin().get("/api/v1/grants/" + grantId).then().body("uses", equalTo(1));
    }

    @Test
    void aMoreSevereReviewIsStillHeld() {
        String key = admin().post("/api/v1/agents/customer-support/keys").then().statusCode(200).extract()
                .path("apiKey");
        // over 100: the approval rule (medium) holds it; to a new account a high review holds it too
        UUID first = UUID.fromString(submit(key, "process_refund", Map.of("amount", 150, "destination",
                "original_payment_method"), null).then().statusCode(202).extract().path("id"));
        String grantId = granted(Api.ADMIN_TOKEN, first, grant("same-action", "PT1H", null));
        try {
            admin().get("/api/v1/grants/" + grantId).then().body("severity", equalTo("medium"));
            submit(key, "process_refund", Map.of("amount", 170, "destination", "original_payment_method"), null)
                    .then().statusCode(200).body("grantId", equalTo(grantId));
            submit(key, "process_refund", Map.of("amount", 170, "destination", "new-account"), null).then()
                    .statusCode(202).body("violations.policy", hasItem("refund-to-new-account"));
        } finally {
            admin().delete("/api/v1/grants/" + grantId).then().statusCode(204);
        }
    }

    @Test
    void fourEyesHoldForGrants() {
        String bob = user("approver");
        String bobsToken = token(bob);
        String key = agentWith(List.of(bob), 1);
        // bob cannot grant on his own request
        UUID own = UUID.fromString(submit(key, "execute_transfer", Map.of("n", 1), bob).then().statusCode(202)
                .extract().path("id"));
        decide(bobsToken, own, "APPROVED", grant("same-action", "PT1H", null)).then().statusCode(403)
                .body("type", equalTo("/problems/self-approval"));
        // a viewer's token grants nothing, and someone who is not an approver of the action neither
        String viewer = user("viewer");
        decide(token(viewer), own, "APPROVED", grant("same-action", "PT1H", null)).then().statusCode(403);
        decide(token(user("approver")), own, "APPROVED", grant("same-action", "PT1H", null)).then()
                .statusCode(403).body("type", equalTo("/problems/not-an-approver"));
        assertEquals(0, QuarkusTransaction.requiringNew().call(() -> Grant.count("sourceActionId", own)));

        // bob's grant on someone else's request never passes a request made on bob's behalf
        String grantId = granted(bobsToken, pending(key, Map.of("n", 2)), grant("same-action", "PT1H", null));
        admin().get("/api/v1/grants/" + grantId).then().body("grantedBy", equalTo(bob));
        submit(key, "execute_transfer", Map.of("n", 3), bob).then().statusCode(202);
        submit(key, "execute_transfer", Map.of("n", 3), "carol@example.com").then().statusCode(200)
                .body("grantId", equalTo(grantId));
    }

    @Test
    void aQuorumActionGrantsOnlyWithTheApprovalThatCompletesIt() {
        String first = user("approver");
        String second = user("approver");
        String key = agentWith(List.of(first, second), 2);
        UUID id = pending(key, Map.of("n", 1));
        decide(token(first), id, "APPROVED", grant("same-action", "PT1H", null)).then().statusCode(409)
                .body("type", equalTo("/problems/grant-needs-quorum"));
        assertEquals(0, QuarkusTransaction.requiringNew().call(() -> Vote.count("actionId", id)));
        decide(token(first), id, "APPROVED", null).then().statusCode(200).body("status", equalTo("PENDING"))
                .body("grantId", nullValue());
        String grantId = granted(token(second), id, grant("same-action", "PT1H", null));
        submit(key, "execute_transfer", Map.of("n", 2), null).then().statusCode(200)
                .body("grantId", equalTo(grantId));
    }

    @Test
    void badGrantsAreRefusedAndNothingIsDecided() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID id = pending(key, Map.of("n", 1));
        decide(Api.ADMIN_TOKEN, id, "REJECTED", grant("same-action", "PT1H", null)).then().statusCode(400)
                .contentType("application/problem+json");
        decide(Api.ADMIN_TOKEN, id, "APPROVED", grant("same-action", "P8D", null)).then().statusCode(400)
                .body("errors.field", hasItem("grant.for"));
        decide(Api.ADMIN_TOKEN, id, "APPROVED", grant("everything", "PT1H", null)).then().statusCode(400);
        decide(Api.ADMIN_TOKEN, id, "APPROVED", grant("same-action", "PT1H", 0)).then().statusCode(400);
        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("PENDING"));
        // an agent key reads no grants
        agent(key).get("/api/v1/grants").then().statusCode(403);
    }
}
