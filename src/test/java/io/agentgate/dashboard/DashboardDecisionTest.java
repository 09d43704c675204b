package io.agentgate.dashboard;

import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Deciding in the dashboard: the same quorum, four-eyes rule and conditional decision as the other channels. */
@QuarkusTest
class DashboardDecisionTest {

    /** An agent whose every action needs one approval of alice or the admin; returns its key. */
    static String gatedAgent(String name) {
        Map<String, Object> approval = new HashMap<>(Map.of("required", true,
                "approvers", List.of(Sessions.ALICE, Sessions.ADMIN), "requiredApprovals", 1, "timeoutSeconds", 600));
        return Api.register(Map.of("name", name, "displayName", "Payments Agent", "riskLevel", "HIGH", "approval",
                approval));
    }

    static UUID submit(String key, Map<String, Object> body) {
        return UUID.fromString(agent(key).body(body).post("/api/v1/actions").then().statusCode(202).extract()
                .path("id"));
    }

    static String status(String key, UUID id) {
        return agent(key).get("/api/v1/actions/" + id).then().statusCode(200).extract().path("status");
    }

    @Test
    void anApproverApprovesWithACommentAndTheActionMovesToResolved() {
        String name = Api.uniqueName("payments");
        String key = gatedAgent(name);
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 120)));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);

        String pending = alice.request().queryParam("agent", name).get("/dashboard/pending").then().statusCode(200)
                .extract().asString();
        assertTrue(pending.contains(id.toString()), "listed under Pending");
        assertTrue(pending.contains("approval-required"), "with the violation that triggered it");

        Response decided = alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .formParam("comment", "checked the invoice").post("/dashboard/actions/" + id + "/decision");
        assertEquals(303, decided.statusCode(), decided.asString());
        assertEquals("APPROVED", status(key, id));

        String detail = alice.request().get("/dashboard/actions/" + id + "?done=decided").then().statusCode(200)
                .extract().asString();
        assertTrue(detail.contains("checked the invoice"));
        assertTrue(detail.contains("via dashboard"), "the timeline names the channel");
        assertTrue(detail.contains("approval.vote"), "the audit events are listed");
        assertFalse(detail.contains("id=\"decide-form\""), "nothing left to decide");

        String resolved = alice.request().queryParam("agent", name).get("/dashboard/resolved").then().statusCode(200)
                .extract().asString();
        assertTrue(resolved.contains(id.toString()));
        assertTrue(resolved.contains(Sessions.ALICE), "with the decider");
        alice.request().queryParam("agent", name).get("/dashboard/pending").then()
                .body(not(containsString(id.toString())));
    }

    @Test
    void aDecisionWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        String key = gatedAgent(Api.uniqueName("csrf"));
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 5)));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        alice.form().formParam("decision", "APPROVED").post("/dashboard/actions/" + id + "/decision").then()
                .statusCode(403).body(containsString("security token"));
        alice.form().formParam("decision", "APPROVED").formParam("csrf", "forged-token")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403);
        // another user's token does not fit alice's session either
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        alice.form().formParam("decision", "APPROVED").formParam("csrf", admin.csrf)
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403);
        assertEquals("PENDING", status(key, id));
    }

    @Test
    void aViewerSeesNoDecideControlsAndCannotPostADecision() {
        String key = gatedAgent(Api.uniqueName("viewed"));
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 5)));
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        viewer.request().get("/dashboard/actions/" + id).then().statusCode(200)
                .body(not(containsString("id=\"decide-form\""))).body(containsString("viewers see every action"));
        viewer.form().formParam("csrf", viewer.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403);
        assertEquals("PENDING", status(key, id));
    }

    @Test
    void noOneApprovesTheirOwnRequestInTheDashboardAndThePageSaysWhy() {
        String key = gatedAgent(Api.uniqueName("own"));
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 5), "userId",
                Sessions.ALICE));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        String page = alice.request().get("/dashboard/actions/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("no one approves their own request"), "the page says why");
        assertFalse(page.contains("id=\"approve\""), "no approve button");
        assertTrue(page.contains("id=\"reject\""), "rejecting stays possible");
        alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403)
                .body(containsString("no one approves their own request"));
        assertEquals("PENDING", status(key, id));
        // the admin, another approver, may
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        admin.form().formParam("csrf", admin.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(303);
        assertEquals("APPROVED", status(key, id));
    }

    @Test
    void aLostRaceSaysWhoWon() {
        String key = gatedAgent(Api.uniqueName("race"));
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 5)));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        alice.request().get("/dashboard/actions/" + id).then().body(containsString("id=\"approve\""));
        Api.admin().body(Map.of("decision", "REJECTED", "decidedBy", Sessions.ADMIN, "comment", "no"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
        alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(409)
                .body(containsString("REJECTED by " + Sessions.ADMIN)).body(containsString("not counted"));
        assertEquals("REJECTED", status(key, id));
    }

    @Test
    void hostileContextIsShownAsText() {
        String name = Api.uniqueName("hostile");
        String key = gatedAgent(name);
        String evil = "<img src=x onerror=alert(1)>";
        UUID id = submit(key, Map.of("action", "book_meeting", "context", Map.of("note", evil),
                "userId", "<script>alert(2)</script>"));
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        // the pending list of this agent: other tests' pending actions may come first in the whole list
        for (String path : List.of("/dashboard/actions/" + id, "/dashboard/pending?agent=" + name)) {
            String html = viewer.request().get(path).then().statusCode(200).extract().asString();
            assertFalse(html.contains("<img src=x"), path);
            assertFalse(html.contains("<script>alert"), path);
            assertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), path);
        }
        assertTrue(viewer.request().get("/dashboard/actions/" + id).asString().contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    @Test
    void listsFilterByAgentPolicyStatusAndTextAndPageByKeyset() {
        String name = Api.uniqueName("paged");
        String key = gatedAgent(name);
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 53; i++) {
            ids.add(submit(key, Map.of("action", i % 2 == 0 ? "book_meeting" : "schedule_call",
                    "context", Map.of("n", i), "sessionId", "sess-" + i)));
        }
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        String first = alice.request().queryParam("agent", name).get("/dashboard/pending").asString();
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("href=\"([^\"]+after=[^\"]+)\" rel=\"next\"")
                .matcher(first);
        assertTrue(next.find(), "a next page link");
        String second = alice.request().get(next.group(1).replace("&amp;", "&")).asString();
        long onFirst = ids.stream().filter(id -> first.contains(id.toString())).count();
        long onSecond = ids.stream().filter(id -> second.contains(id.toString())).count();
        assertEquals(50, onFirst);
        assertEquals(3, onSecond);
        assertEquals(0, ids.stream().filter(id -> first.contains(id.toString()) && second.contains(id.toString())).count());

        String text = alice.request().queryParam("agent", name).queryParam("q", "SCHEDULE_c").get("/dashboard/pending")
                .asString();
        assertEquals(26, ids.stream().filter(id -> text.contains(id.toString())).count());
        String session = alice.request().queryParam("agent", name).queryParam("q", "sess-7").get("/dashboard/pending")
                .asString();
        assertEquals(1, ids.stream().filter(id -> session.contains(id.toString())).count());
        String policy = alice.request().queryParam("agent", name).queryParam("policy", "no-such-policy")
                .get("/dashboard/pending").asString();
        assertTrue(policy.contains("No pending actions match"));
        String byPolicy = alice.request().queryParam("agent", name).queryParam("policy", "approval-required")
                .get("/dashboard/pending").asString();
        assertEquals(50, ids.stream().filter(id -> byPolicy.contains(id.toString())).count());
        String rejected = alice.request().queryParam("agent", name).queryParam("status", "REJECTED")
                .get("/dashboard/resolved").asString();
        assertTrue(rejected.contains("No resolved actions match"));
    }

    @Test
    void overviewViolationsAndAgentsPagesRender() {
        String name = Api.uniqueName("overview");
        String key = gatedAgent(name);
        submit(key, Map.of("action", "book_meeting", "context", Map.of("amount", 5)));
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        viewer.request().get("/dashboard").then().statusCode(200).body(containsString("pending now"))
                .body(containsString("Closest to their deadline"));
        viewer.request().queryParam("agent", name).get("/dashboard/violations").then().statusCode(200)
                .body(containsString("approval-required"));
        viewer.request().get("/dashboard/agents").then().statusCode(200).body(containsString(name));
        viewer.request().get("/dashboard/agents/" + name).then().statusCode(200).body(containsString("book_meeting"));
        viewer.request().get("/dashboard/actions/" + UUID.randomUUID()).then().statusCode(404);
    }
}
