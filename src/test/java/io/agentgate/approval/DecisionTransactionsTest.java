package io.agentgate.approval;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.approval.ApprovalLink.Intent;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 23: a decision is one read and one write transaction on every channel (admin API, personal token, mail link
 * POST, dashboard, each batch item), and it reads the action row twice: once in the read step, once when the write
 * step locks it. Counted with {@link DecisionTrace} (transaction begins and Hibernate's SQL).
 */
@QuarkusTest
class DecisionTransactionsTest {

    @Inject
    DecisionTrace trace;

    @Inject
    LinkSigner signer;

    private static String agentWith(List<String> approvers, int required) {
        return Api.register(Map.of("name", Api.uniqueName("txcount"), "riskLevel", "MEDIUM", "approval",
                Map.of("required", true, "approvers", approvers, "requiredApprovals", required, "timeoutSeconds",
                        600)));
    }

    private static UUID pending(String key) {
        return UUID.fromString(Api.agent(key).body(Map.of("action", "book_meeting", "toolName", "calendar",
                "toolArgs", Map.of("room", "A", "attendees", 12))).post("/api/v1/actions").then().statusCode(202)
                .extract().path("id"));
    }

    private static Response decide(UUID id, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", "APPROVED", "decidedBy", "ops-script"));
        body.putAll(extra);
        return given().auth().oauth2(Api.ADMIN_TOKEN).contentType(ContentType.JSON).body(body)
                .post("/api/v1/actions/" + id + "/decision");
    }

    private Response traced(int transactions, long actionReads, Supplier<Response> decision) {
        Map.Entry<Response, DecisionTrace.Counts> run = trace.record(decision);
        DecisionTrace.Counts counts = run.getValue();
        assertEquals(transactions, counts.transactions(), "transactions: " + counts);
        assertEquals(actionReads, counts.actionReads(), "action row reads: " + counts);
        return run.getKey();
    }

    @Test
    void anApiDecisionIsOneReadAndOneWriteTransactionReadingTheActionTwice() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID id = pending(key);
        Response decided = traced(2, 2, () -> decide(id, Map.of("comment", "fine")));
        assertEquals(200, decided.statusCode(), decided.asString());
        assertEquals("APPROVED", decided.path("status"));
    }

    @Test
    void anApiApprovalWithEditsAndAGrantIsStillTwoTransactions() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID id = pending(key);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("toolArgs", Map.of("room", "B", "attendees", 4));
        extra.put("grant", Map.of("scope", "same-action", "for", "PT1H"));
        Response decided = traced(2, 2, () -> decide(id, extra));
        assertEquals(200, decided.statusCode(), decided.asString());
        assertEquals("B", decided.path("toolArgs.room"));
        assertTrue(decided.path("grantId") != null, decided.asString());
    }

    @Test
    void aDecisionThatLosesIsAnsweredFromTheReadStepAlone() {
        String key = agentWith(List.of("alice@example.com"), 1);
        UUID id = pending(key);
        decide(id, Map.of()).then().statusCode(200);
        Response lost = traced(1, 1, () -> decide(id, Map.of("decision", "REJECTED")));
        assertEquals(409, lost.statusCode(), lost.asString());
        assertEquals("ops-script", lost.path("decidedBy"), "the 409 names the winner");
    }

    @Test
    void aLinkVoteThatDoesNotDecideAndOneThatDoesAreTwoTransactionsEach() {
        String alice = Approvals.mailbox("alice");
        String bob = Approvals.mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = pending(key);
        Response first = traced(2, 2, () -> confirm(id, alice));
        assertEquals(200, first.statusCode(), first.asString());
        assertTrue(first.asString().contains("1 of 2"), first.asString());
        Response second = traced(2, 2, () -> confirm(id, bob));
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals("APPROVED", Approvals.status(key, id));
    }

    private Response confirm(UUID id, String approver) {
        String token = signer.sign(id, approver, Intent.APPROVE, Instant.now().plusSeconds(600));
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("approver", approver).formParam("token", token).formParam("comment", "ok")
                .post("/approval/" + id);
    }

    @Test
    void aDashboardVoteIsOneReadAndOneWriteTransaction() {
        String key = agentWith(List.of(Sessions.ALICE), 1);
        UUID id = pending(key);
        Sessions session = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        Response decided = traced(2, 2, () -> session.form().formParam("csrf", session.csrf)
                .formParam("decision", "APPROVED").formParam("comment", "checked")
                .post("/dashboard/actions/" + id + "/decision"));
        assertEquals(303, decided.statusCode(), decided.asString());
        assertEquals("APPROVED", Approvals.status(key, id));
    }

    @Test
    void aPersonalTokenVoteIsOneReadAndOneWriteTransaction() {
        String approver = People.user("approver");
        String token = People.token(approver);
        String key = agentWith(List.of(approver), 1);
        UUID id = pending(key);
        Response decided = traced(2, 2, () -> given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("decision", "REJECTED", "comment", "no")).post("/api/v1/actions/" + id + "/decision"));
        assertEquals(200, decided.statusCode(), decided.asString());
        assertEquals("REJECTED", decided.path("status"));
    }

    @Test
    void eachBatchItemIsOneReadAndOneWriteTransaction() {
        String key = agentWith(List.of("alice@example.com"), 1);
        List<UUID> ids = List.of(pending(key), pending(key), pending(key));
        Response decided = traced(6, 6, () -> given().auth().oauth2(Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("ids", ids, "decision", "APPROVED", "decidedBy", "ops-script"))
                .post("/api/v1/decisions"));
        assertEquals(200, decided.statusCode(), decided.asString());
        assertEquals(List.of(200, 200, 200), decided.path("results.status"));
    }
}
