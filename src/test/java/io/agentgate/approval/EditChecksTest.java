package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.votes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.Api;
import io.agentgate.TestClock;
import io.agentgate.approval.ApprovalLink.Intent;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, findings 11 and 12: an approve-with-edit by someone who may not vote used to get the policies' 422 (which
 * told them what the policies say); who may vote is now answered first. And an edit used to escape deny policies when
 * the action's context was not its tool arguments; the policies now see the edited arguments in the context.
 */
@QuarkusTest
class EditChecksTest {

    private static final String PII = "Call me back on john.doe@example.com";

    @Inject
    LinkSigner signer;

    @Inject
    TestClock clock;

    @Inject
    ObjectMapper json;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    private static UUID submit(String key, Map<String, Object> body) {
        return UUID.fromString(agent(key).body(body).post("/api/v1/actions").then().statusCode(202).extract()
                .path("id"));
    }

    private static Response decide(UUID id, Object toolArgs) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", "APPROVED", "decidedBy", "ops@example.com"));
        body.put("toolArgs", toolArgs);
        return admin().body(body).post("/api/v1/actions/" + id + "/decision");
    }

    /** An external message held for an approver without an account; its edit to a body with PII is denied. */
    private static UUID heldMessage(String approver) {
        String key = Api.register(Map.of("name", uniqueName("mailer"), "riskLevel", "HIGH",
                "capabilities", Map.of("sendExternalMessages", true),
                "approval", Map.of("required", true, "approvers", List.of(approver))));
        return submit(key, Map.of("action", "send_external_message", "toolName", "smtp",
                "toolArgs", Map.of("to", "customer", "body", "Your order shipped")));
    }

    @Test
    void aNonApproversEditByLinkGetsTheNotAnApproverRefusalNotAPolicys() {
        UUID id = heldMessage(mailbox("alice"));
        Mails.Link mallory = new Mails.Link(null, "/approval/" + id, "mallory@example.com",
                signer.sign(id, "mallory@example.com", Intent.APPROVE, Instant.now().plusSeconds(60)));
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("approver", mallory.approver()).formParam("token", mallory.token())
                .formParam("toolArgs", "{\"to\":\"customer\",\"body\":\"" + PII + "\"}").post(mallory.path())
                .then().statusCode(403).body(containsString("not (or no longer) among"))
                .body(not(containsString("no-pii-external")));
        assertTrue(votes(id).isEmpty());
    }

    @Test
    void aNonApproversEditInTheDashboardGetsTheNotAnApproverRefusalNotAPolicys() {
        UUID id = heldMessage(mailbox("alice"));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD); // an approver, not of this agent
        alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .formParam("toolArgs", "{\"to\":\"customer\",\"body\":\"" + PII + "\"}")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403)
                .body(containsString("not (or no longer) among")).body(not(containsString("no-pii-external")));
        assertTrue(votes(id).isEmpty());
    }

    @Test
    void anEditADenyPolicyRefusesOnTheArgumentsThatRunIsRefusedWhenTheContextIsNotTheToolArgs() {
        // transaction-limit reads context.amount; the context describes the payment, the tool arguments carry it.
        // Within business hours, so the business-hours policy (HIGH agents' transactions) does not deny it first.
        clock.runFrom(Instant.parse("2026-11-24T10:00:00Z")); // a Tuesday, 10:00 UTC
        String key = Api.register(Map.of("name", uniqueName("payer"), "riskLevel", "HIGH",
                "capabilities", Map.of("financialTransactions", true), "maxTransactionAmount", 1000,
                "approval", Map.of("required", true, "approvers", List.of("alice@example.com"))));
        UUID id = submit(key, Map.of("action", "execute_transaction", "toolName", "bank",
                "context", Map.of("amount", 500, "purpose", "invoice 42"),
                "toolArgs", Map.of("amount", 500, "recipient", "ACME")));
        decide(id, Map.of("amount", 50_000, "recipient", "ACME")).then().statusCode(422)
                .body("type", equalTo("/problems/edit-refused"))
                .body("violations.policy", hasItem("transaction-limit"));
        // a context that does not name the amount at all: the edited arguments still reach the policies
        UUID bare = submit(key, Map.of("action", "execute_transaction", "toolName", "bank",
                "context", Map.of("purpose", "invoice 43"), "toolArgs", Map.of("amount", 500, "recipient", "ACME")));
        decide(bare, Map.of("amount", 50_000, "recipient", "ACME")).then().statusCode(422)
                .body("violations.policy", hasItem("transaction-limit"));
        assertTrue(votes(id).isEmpty() && votes(bare).isEmpty(), "nothing stored");
        // an edit within the limit is approved, and runs
        decide(id, Map.of("amount", 400, "recipient", "ACME")).then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("toolArgs.amount", equalTo(400));
    }

    @Test
    void thePoliciesSeeTheContextWithTheEditedArgumentsWrittenOverIt() throws Exception {
        ObjectNode context = (ObjectNode) json.readTree("{\"amount\":500,\"purpose\":\"x\",\"memo\":\"m\"}");
        ObjectNode submitted = (ObjectNode) json.readTree("{\"amount\":500,\"memo\":\"m\"}");
        ObjectNode edited = (ObjectNode) json.readTree("{\"amount\":9000,\"recipient\":\"ACME\"}");
        assertEquals(json.readTree("{\"amount\":9000,\"purpose\":\"x\",\"recipient\":\"ACME\"}"),
                ArgumentEdits.editedContext(context, submitted, edited), "set, added, and removed (memo) keys");
        assertEquals(edited, ArgumentEdits.editedContext(submitted, submitted, edited),
                "when the context is the arguments, it is the edit");
        assertEquals(json.readTree("{\"amount\":500,\"purpose\":\"x\",\"memo\":\"m\"}"), context, "not changed");
    }
}
