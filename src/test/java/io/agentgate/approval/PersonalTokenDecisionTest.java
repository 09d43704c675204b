package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.agent.ApiKeys;
import io.agentgate.audit.AuditResource;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Issue 11, item 12: personal API tokens decide as their user; the audit names the credential that decided. */
@QuarkusTest
class PersonalTokenDecisionTest {

    private static final String PASSWORD = "right-password-123";
    private static final Pattern TOKEN = Pattern.compile("id=\"token-value\">(agu_[A-Za-z0-9_-]+)<");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource dataSource;

    private static String user(String role) {
        String email = Api.uniqueName("tok") + "@example.com";
        admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of(role))).post("/api/v1/users")
                .then().statusCode(201);
        return email;
    }

    /** Creates a token in the dashboard as its user and returns the secret shown once. */
    private static String token(String email) {
        Sessions session = Sessions.login(email, PASSWORD);
        String page = session.form().formParam("csrf", session.csrf).formParam("name", "chat bot")
                .post("/dashboard/account/tokens").then().statusCode(201).extract().asString();
        Matcher m = TOKEN.matcher(page);
        assertTrue(m.find(), page);
        String token = m.group(1);
        // shown once: the list no longer carries it
        assertFalse(session.request().get("/dashboard/account").asString().contains(token));
        return token;
    }

    private static String agentFor(List<String> approvers, int required) {
        return Api.register(Map.of("name", Api.uniqueName("tok-agent"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", approvers, "requiredApprovals", required)));
    }

    private static UUID submit(String key, String userId) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("action", "book_meeting"));
        if (userId != null) {
            body.put("userId", userId);
        }
        return UUID.fromString(agent(key).body(body)
                .post("/api/v1/actions").then().statusCode(202).extract().path("id"));
    }

    private static Response decide(String bearer, UUID id, String decision, String decidedBy) {
        return given().auth().oauth2(bearer).contentType(ContentType.JSON)
                .body(Map.of("decision", decision, "decidedBy", decidedBy, "comment", "via cli"))
                .post("/api/v1/actions/" + id + "/decision");
    }

    private static JsonNode vote(UUID id) throws Exception {
        String body = admin().accept(AuditResource.NDJSON).get("/api/v1/audit?actionId=" + id).then().statusCode(200)
                .extract().asString();
        for (String line : body.strip().split("\n")) {
            JsonNode event = JSON.readTree(line);
            if (Quorum.VOTE_EVENT.equals(event.path("type").asText())) {
                return event;
            }
        }
        throw new AssertionError("no vote in " + body);
    }

    @Test
    void aPersonalTokenDecidesAsItsUserAndTheAuditNamesTheToken() throws Exception {
        String approver = user("approver");
        String token = token(approver);
        UUID id = submit(agentFor(List.of(approver), 1), "someone-else@example.com");
        decide(token, id, "APPROVED", "some-script").then().statusCode(200).body("status", equalTo("APPROVED"))
                .body("decidedBy", equalTo(approver));
        JsonNode vote = vote(id);
        assertEquals(approver, vote.path("metadata").path("approver").asText(), vote.toString());
        assertEquals("TOKEN", vote.path("metadata").path("channel").asText());
        assertTrue(vote.path("metadata").path("credential").asText().startsWith("personal-token:"), vote.toString());
        // stored hashed only
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("SELECT token_hash FROM personal_token WHERE token_hash = ?")) {
            s.setString(1, ApiKeys.hash(token));
            assertTrue(s.executeQuery().next());
        }
    }

    @Test
    void aTokenVoteCountsTowardsTheQuorumLikeADashboardVote() {
        String first = user("approver");
        String second = user("approver");
        UUID id = submit(agentFor(List.of(first, second), 2), null);
        decide(token(first), id, "APPROVED", "x").then().statusCode(200).body("status", equalTo("PENDING"));
        decide(token(second), id, "APPROVED", "x").then().statusCode(200).body("status", equalTo("APPROVED"));
    }

    @Test
    void theAdminTokenIsRecordedApartFromTheNameItClaims() throws Exception {
        UUID id = submit(agentFor(List.of("alice@example.com"), 1), null);
        decide(Api.ADMIN_TOKEN, id, "REJECTED", "some-script").then().statusCode(200);
        JsonNode vote = vote(id);
        assertEquals("some-script", vote.path("metadata").path("approver").asText());
        assertEquals("admin-token", vote.path("metadata").path("credential").asText(), vote.toString());
    }

    @Test
    void theFourEyesAndApproverListRulesApplyToTokens() {
        String approver = user("approver");
        String token = token(approver);
        UUID own = submit(agentFor(List.of(approver), 1), approver);
        decide(token, own, "APPROVED", approver).then().statusCode(403).body("type", equalTo("/problems/self-approval"));
        decide(token, own, "REJECTED", approver).then().statusCode(200).body("status", equalTo("REJECTED"));
        UUID foreign = submit(agentFor(List.of("alice@example.com"), 1), null);
        decide(token, foreign, "APPROVED", "alice@example.com").then().statusCode(403);
        String viewer = user("viewer");
        UUID listed = submit(agentFor(List.of(viewer), 1), null);
        decide(token(viewer), listed, "APPROVED", viewer).then().statusCode(403);
    }

    @Test
    void aTokenIsNoAdminTokenAndStopsWhenRevokedOrItsAccountIsDisabled() {
        String adminUser = user("admin");
        String token = token(adminUser);
        given().auth().oauth2(token).get("/api/v1/users").then().statusCode(403);
        given().auth().oauth2(token).get("/api/v1/agents").then().statusCode(403);

        String approver = user("approver");
        Sessions session = Sessions.login(approver, PASSWORD);
        String page = session.form().formParam("csrf", session.csrf).formParam("name", "bot")
                .post("/dashboard/account/tokens").then().statusCode(201).extract().asString();
        Matcher m = TOKEN.matcher(page);
        assertTrue(m.find());
        String secret = m.group(1);
        UUID id = submit(agentFor(List.of(approver), 1), null);
        Matcher revoke = Pattern.compile("action=\"(/dashboard/account/tokens/[0-9a-f-]+/revoke)\"")
                .matcher(session.request().get("/dashboard/account").asString());
        assertTrue(revoke.find());
        session.form().formParam("csrf", session.csrf).post(revoke.group(1)).then().statusCode(303);
        decide(secret, id, "APPROVED", approver).then().statusCode(401);

        String other = token(approver);
        admin().body(Map.of("disabled", true)).put("/api/v1/users/" + approver).then().statusCode(200);
        decide(other, id, "APPROVED", approver).then().statusCode(401);
        decide("agu_made-up", id, "APPROVED", approver).then().statusCode(401);
        assertNotNull(id);
    }
}
