package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.TestClock;
import io.agentgate.audit.AuditEvent;
import io.agentgate.audit.AuditLog;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionWaiters;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Approve with edits through the decision API: the edit runs, both versions are kept, policies judge the edit. */
@QuarkusTest
class ApproveWithEditsTest {

    @Inject
    ActionQueries queries;

    @Inject
    ActionWaiters waiters;

    @Inject
    ObjectMapper json;

    @Inject
    TestClock clock;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    private static UUID submit(String key, Map<String, Object> body) {
        return UUID.fromString(agent(key).body(body).post("/api/v1/actions").then().statusCode(202).extract()
                .path("id"));
    }

    private static Response decide(UUID id, Map<String, Object> body) {
        return admin().body(body).post("/api/v1/actions/" + id + "/decision");
    }

    private static Map<String, Object> approve(Object toolArgs) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", "APPROVED", "decidedBy", "ops@example.com"));
        body.put("toolArgs", toolArgs);
        return body;
    }

    /** An agent that may send external messages, each needing approval. */
    private static String mailingAgent() {
        return Api.register(Map.of("name", uniqueName("mailer"), "riskLevel", "HIGH",
                "capabilities", Map.of("sendExternalMessages", true),
                "approval", Map.of("required", true, "approvers", List.of("alice@example.com"))));
    }

    /** What the gateway would forward, compared as JSON. */
    private void assertRuns(Map<String, Object> expected, UUID id) throws Exception {
        Optional<String> run = queries.toolArgsToRun(id);
        assertTrue(run.isPresent(), "arguments to run");
        assertEquals(json.valueToTree(expected), json.readTree(run.get()));
    }

    private JsonNode details(String type, UUID id) throws Exception {
        List<AuditEvent> events = QuarkusTransaction.requiringNew().call(() -> AuditEvent.<AuditEvent>list(
                "actionId = ?1 and type = ?2 order by seq", id, type));
        assertEquals(1, events.size(), type);
        return json.readTree(events.get(0).details);
    }

    @Test
    void editedApprovalRunsTheEditAndKeepsBothVersions() throws Exception {
        String key = Api.gatedAgent(uniqueName("edit"), null);
        UUID id = submit(key, Map.of("action", "book_meeting", "toolName", "calendar",
                "toolArgs", Map.of("room", "A", "attendees", 12)));
        // a held long-poll sees the decision with the approved arguments
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(
                () -> agent(key).get("/api/v1/actions/" + id + "?wait=20"));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.isWaitingFor(id));

        decide(id, approve(Map.of("room", "B", "attendees", 4))).then().statusCode(200)
                .body("status", equalTo("APPROVED"))
                .body("toolArgs.room", equalTo("B")).body("originalToolArgs.room", equalTo("A"));

        poll.get().then().statusCode(200).body("status", equalTo("APPROVED")).body("toolArgs.room", equalTo("B"))
                .body("toolArgs.attendees", equalTo(4)).body("originalToolArgs.attendees", equalTo(12));
        agent(key).get("/api/v1/actions/" + id).then().statusCode(200).body("toolArgs.room", equalTo("B"))
                .body("originalToolArgs.room", equalTo("A"));
        assertRuns(Map.of("room", "B", "attendees", 4), id);

        JsonNode vote = details(Quorum.VOTE_EVENT, id);
        assertEquals("B", vote.at("/toolArgs/room").asText());
        assertEquals("A", vote.at("/originalToolArgs/room").asText());
        assertEquals("ops@example.com", vote.get("toolArgsEditedBy").asText());
        JsonNode decided = details(AuditLog.DECIDED, id);
        assertEquals("B", decided.at("/toolArgs/room").asText());
        assertEquals("A", decided.at("/originalToolArgs/room").asText());
        assertEquals("ops@example.com", decided.get("toolArgsEditedBy").asText());
    }

    @Test
    void unchangedArgumentsAreAPlainApproval() throws Exception {
        String key = Api.gatedAgent(uniqueName("edit"), null);
        UUID id = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "A", "n", 1)));
        decide(id, approve(Map.of("n", 1, "room", "A"))).then().statusCode(200)
                .body("toolArgs.room", equalTo("A")).body("$", not(org.hamcrest.Matchers.hasKey("originalToolArgs")));
        assertRuns(Map.of("room", "A", "n", 1), id);
    }

    @Test
    void anEditADenyPolicyRefusesIsRefusedWithItsViolationsAndNothingIsStored() throws Exception {
        String key = mailingAgent();
        UUID id = submit(key, Map.of("action", "send_external_message", "toolName", "smtp",
                "toolArgs", Map.of("to", "customer", "body", "Your order shipped")));

        decide(id, approve(Map.of("to", "customer", "body", "Call me back on john.doe@example.com")))
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/edit-refused"))
                .body("violations.policy", hasItem("no-pii-external"))
                .body("violations.enforcement", hasItem("deny"))
                .body("detail", containsString("no-pii-external"));

        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("PENDING"))
                .body("toolArgs.body", equalTo("Your order shipped"));
        assertEquals(0, Approvals.votes(id).size());
        assertEquals(0, Approvals.audits(Quorum.VOTE_EVENT, id));
        // the same approver may still approve the arguments as submitted
        decide(id, approve(null)).then().statusCode(200).body("status", equalTo("APPROVED"));
        assertRuns(Map.of("to", "customer", "body", "Your order shipped"), id);
    }

    @Test
    void whenTheContextIsTheToolArgumentsTheEditIsJudgedAsTheContextToo() {
        // the MCP gateway's shape: context = toolArgs = the call's arguments; transaction-limit reads context.amount.
        // Within business hours, so the business-hours policy (HIGH agents' transactions) does not deny it first.
        clock.runFrom(Instant.parse("2026-11-24T10:00:00Z")); // a Tuesday, 10:00 UTC
        String key = Api.register(Map.of("name", uniqueName("payer"), "riskLevel", "HIGH",
                "capabilities", Map.of("financialTransactions", true), "maxTransactionAmount", 1000,
                "approval", Map.of("required", true, "approvers", List.of("alice@example.com"))));
        Map<String, Object> args = Map.of("amount", 500, "recipient", "ACME");
        UUID id = submit(key, Map.of("action", "execute_transaction", "context", args, "toolArgs", args));
        decide(id, approve(Map.of("amount", 50_000, "recipient", "ACME"))).then().statusCode(422)
                .body("violations.policy", hasItem("transaction-limit"));
        decide(id, approve(Map.of("amount", 400, "recipient", "ACME"))).then().statusCode(200)
                .body("toolArgs.amount", equalTo(400));
    }

    @Test
    void toolArgsWithARejectIsABadRequest() {
        String key = Api.gatedAgent(uniqueName("edit"), null);
        UUID id = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "A")));
        decide(id, Map.of("decision", "REJECTED", "decidedBy", "ops", "toolArgs", Map.of("room", "B")))
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("toolArgs"));
        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("PENDING"));
        assertEquals(0, Approvals.votes(id).size());
    }

    @Test
    void toolArgsThatAreNotAnObjectOrTooLongAreBadRequestsAndStoreNothing() {
        String key = Api.gatedAgent(uniqueName("edit"), null);
        UUID id = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "A")));
        decide(id, approve(List.of("room", "B"))).then().statusCode(400).contentType("application/problem+json");
        decide(id, approve("room B")).then().statusCode(400).contentType("application/problem+json");
        decide(id, approve(Map.of("room", "x".repeat(ArgumentEdits.MAX_CHARS)))).then().statusCode(400)
                .body("errors.field", hasItem("toolArgs"))
                .body("errors.message", hasItem(containsString("at most " + ArgumentEdits.MAX_CHARS)));
        UUID bare = submit(key, Map.of("action", "book_meeting"));
        decide(bare, approve(Map.of("room", "B"))).then().statusCode(400)
                .body("errors.message", hasItem(containsString("no tool arguments")));

        agent(key).get("/api/v1/actions/" + id).then().body("status", equalTo("PENDING"))
                .body("toolArgs.room", equalTo("A"));
        assertTrue(Approvals.votes(id).isEmpty());
        assertFalse(queries.toolArgsToRun(id).isPresent());
    }

    /** A user with the approver role and a personal token made in the dashboard; returns the token. */
    private static String approverToken(String email) {
        admin().body(Map.of("email", email, "password", "right-password-123", "roles", List.of("approver")))
                .post("/api/v1/users").then().statusCode(201);
        io.agentgate.dashboard.Sessions session = io.agentgate.dashboard.Sessions.login(email, "right-password-123");
        String page = session.form().formParam("csrf", session.csrf).formParam("name", "chat bot")
                .post("/dashboard/account/tokens").then().statusCode(201).extract().asString();
        var m = java.util.regex.Pattern.compile("id=\"token-value\">(agu_[A-Za-z0-9_-]+)<").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    private static Response vote(String token, UUID id, Map<String, Object> body) {
        return io.restassured.RestAssured.given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/api/v1/actions/" + id + "/decision");
    }

    @Test
    void withAQuorumOfPersonalTokensOnlyTheFirstApprovalMayEditAndTheOthersApproveTheEdit() throws Exception {
        String ann = Approvals.mailbox("ann");
        String ben = Approvals.mailbox("ben");
        String annToken = approverToken(ann);
        String benToken = approverToken(ben);
        String key = Api.register(Map.of("name", uniqueName("quorum"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of(ann, ben), "requiredApprovals", 2)));
        UUID id = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "A")));

        vote(annToken, id, Map.of("decision", "APPROVED", "toolArgs", Map.of("room", "B"))).then().statusCode(200)
                .body("status", equalTo("PENDING"));
        assertFalse(queries.toolArgsToRun(id).isPresent(), "one of two approvals: nothing runs yet");
        vote(benToken, id, Map.of("decision", "APPROVED", "toolArgs", Map.of("room", "C"))).then().statusCode(409)
                .body("type", equalTo("/problems/tool-args-fixed")).body("approvals", equalTo(1));
        vote(benToken, id, Map.of("decision", "APPROVED")).then().statusCode(200).body("status", equalTo("APPROVED"))
                .body("toolArgs.room", equalTo("B")).body("originalToolArgs.room", equalTo("A"));
        assertRuns(Map.of("room", "B"), id);
        assertEquals(ann, details(AuditLog.DECIDED, id).get("toolArgsEditedBy").asText(),
                "the editor, not the last voter");
        List<AuditEvent> votes = QuarkusTransaction.requiringNew().call(() -> AuditEvent.<AuditEvent>list(
                "actionId = ?1 and type = ?2 order by seq", id, Quorum.VOTE_EVENT));
        assertEquals(ann, json.readTree(votes.get(1).details).get("approvesToolArgsEditedBy").asText());
    }
}
