package io.agentgate.dashboard;

import static io.agentgate.Api.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.gate.ActionQueries;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Approve with edits on the dashboard without JavaScript: the form alone, every check on the server. */
@QuarkusTest
class ApproveWithEditsPageTest {

    @Inject
    ActionQueries queries;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    private static String mailingAgent() {
        return Api.register(Map.of("name", Api.uniqueName("mailer"), "riskLevel", "HIGH",
                "capabilities", Map.of("sendExternalMessages", true),
                "approval", Map.of("required", true, "approvers", List.of(Sessions.ALICE))));
    }

    private static Response post(Sessions who, UUID id, String decision, String toolArgs) {
        return who.form().formParam("csrf", who.csrf).formParam("decision", decision).formParam("toolArgs", toolArgs)
                .post("/dashboard/actions/" + id + "/decision");
    }

    @Test
    void theEditorHoldsTheArgumentsAndRefusalsAreSaidOnThePageWithTheTextKept() throws Exception {
        String key = mailingAgent();
        UUID id = DashboardDecisionTest.submit(key, Map.of("action", "send_external_message", "toolName", "smtp",
                "toolArgs", Map.of("to", "customer-42", "body", "Your order shipped")));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        String page = alice.request().get("/dashboard/actions/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("name=\"toolArgs\""), "the approve form has the editor");
        assertTrue(page.contains("&quot;body&quot; : &quot;Your order shipped&quot;"), "pre-filled, pretty-printed");

        Response notAnObject = post(alice, id, "APPROVED", "[\"to\", \"customer-42\"]");
        assertEquals(400, notAnObject.statusCode());
        assertTrue(notAnObject.asString().contains("The tool arguments must be a JSON object"), notAnObject.asString());
        assertTrue(notAnObject.asString().contains("[&quot;to&quot;, &quot;customer-42&quot;]"), "the text is kept");

        String pii = "{\"to\": \"customer-42\", \"body\": \"Write to jane.roe@example.com\"}";
        Response refused = post(alice, id, "APPROVED", pii);
        assertEquals(422, refused.statusCode());
        assertTrue(refused.asString().contains("Policy refuses the edited tool arguments: no-pii-external"),
                refused.asString());
        assertEquals("PENDING", DashboardDecisionTest.status(key, id), "nothing was decided");

        // Reject ignores the editor, whatever it holds
        assertEquals(303, post(alice, id, "REJECTED", "not json at all").statusCode());
        assertEquals("REJECTED", DashboardDecisionTest.status(key, id));
        assertTrue(queries.toolArgsToRun(id).isEmpty());
    }

    @Test
    void anApprovalWithEditsShowsBothVersionsAndTheDiff() throws Exception {
        String key = DashboardDecisionTest.gatedAgent(Api.uniqueName("edits"));
        UUID id = DashboardDecisionTest.submit(key, Map.of("action", "book_meeting", "toolName", "calendar",
                "toolArgs", Map.of("room", "4B", "attendees", 12)));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        assertEquals(303, post(alice, id, "APPROVED", "{\"room\": \"2A\", \"attendees\": 12}").statusCode());

        String page = alice.request().get("/dashboard/actions/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("approved as changed"), page);
        assertTrue(page.contains("id=\"original-tool-args\""));
        assertTrue(page.contains("<span class=\"diff-removed\">-   &quot;room&quot; : &quot;4B&quot;"), page);
        assertTrue(page.contains("<span class=\"diff-added\">+   &quot;room&quot; : &quot;2A&quot;"), page);
        assertEquals(json.readTree("{\"room\":\"2A\",\"attendees\":12}"),
                json.readTree(queries.toolArgsToRun(id).orElseThrow()));
        agent(key).get("/api/v1/actions/" + id).then().statusCode(200);
    }
}
