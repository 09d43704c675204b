package io.agentgate.approval;

import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.open;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.votes;
import static io.agentgate.Api.agent;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.gate.ActionQueries;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Approve with edits from the mail: follow the link, change the arguments on the confirm page, confirm. */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class ApproveWithEditsLinkTest {

    @Inject
    ActionQueries queries;

    @Inject
    ObjectMapper json;

    private static UUID submit(String key, Map<String, Object> toolArgs) {
        return UUID.fromString(agent(key).body(Map.of("action", "book_meeting", "toolName", "calendar",
                "toolArgs", toolArgs)).post("/api/v1/actions").then().statusCode(202).extract().path("id"));
    }

    private static Response confirm(Mails.Link link, String toolArgs) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("approver", link.approver()).formParam("token", link.token())
                .formParam("toolArgs", toolArgs).post(link.path());
    }

    private void assertRuns(String expected, UUID id) throws Exception {
        assertEquals(json.readTree(expected), json.readTree(queries.toolArgsToRun(id).orElseThrow()));
    }

    @Test
    void anApproverEditsTheArgumentsOnTheConfirmPage() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("room", "A", "attendees", 12));
        Mails.Link link = Mails.awaitOne(alice).approve();

        String page = open(link).then().statusCode(200).extract().asString();
        assertTrue(page.contains("name=\"toolArgs\""), "the approve page has the editor");
        assertTrue(page.contains("&quot;room&quot; : &quot;A&quot;"), "pre-filled with the submitted arguments");

        // not JSON: the form again with the text and the reason; the link still works
        confirm(link, "{\"room\": \"B\", ").then().statusCode(400).body(containsString("is not valid JSON"))
                .body(containsString("&quot;room&quot;: &quot;B&quot;, "));
        assertEquals("PENDING", status(key, id));
        assertTrue(votes(id).isEmpty());

        confirm(link, "{\n  \"room\": \"B\",\n  \"attendees\": 4\n}").then().statusCode(200)
                .body(containsString("Action approved")).body(containsString("as changed by " + alice))
                .body(containsString("Tool arguments as submitted"));
        assertEquals("APPROVED", status(key, id));
        assertRuns("{\"room\":\"B\",\"attendees\":4}", id);
        agent(key).get("/api/v1/actions/" + id).then().body("toolArgs.room", equalTo("B"))
                .body("originalToolArgs.room", equalTo("A"));
        assertEquals("{\"room\":\"B\",\"attendees\":4}", json.readTree(votes(id).get(0).toolArgs).toString());
    }

    @Test
    void withAQuorumTheFirstApprovalFixesTheArgumentsTheOthersApprove() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 100, "to", "ACME"));
        Mails.Link toAlice = Mails.awaitOne(alice).approve();
        Mails.Link toBob = Mails.awaitOne(bob).approve();

        confirm(toAlice, "{\"amount\": 90, \"to\": \"ACME\"}").then().statusCode(200)
                .body(containsString("Your approval is recorded"));
        assertEquals("PENDING", status(key, id));
        assertTrue(queries.toolArgsToRun(id).isEmpty(), "nothing runs before the quorum");

        // bob sees alice's edit as the arguments to approve, and the submitted ones beside it
        String page = open(toBob).then().statusCode(200).extract().asString();
        assertTrue(page.contains("as changed by " + alice), page);
        assertTrue(page.contains("&quot;amount&quot; : 90"), "the editor holds the edit in force");
        // a further change after an approval counted is refused: bob would approve what alice did not
        confirm(toBob, "{\"amount\": 9000, \"to\": \"ACME\"}").then().statusCode(409)
                .body(containsString("only the first approval may change them"));
        // so is a page opened before alice's edit, which still shows (and posts) the submitted arguments
        confirm(toBob, "{\"amount\": 100, \"to\": \"ACME\"}").then().statusCode(409);
        assertEquals(1, votes(id).size());

        confirm(toBob, "{\"to\": \"ACME\", \"amount\": 90}").then().statusCode(200)
                .body(containsString("Action approved"));
        assertRuns("{\"amount\":90,\"to\":\"ACME\"}", id);
        agent(key).get("/api/v1/actions/" + id).then().body("originalToolArgs.amount", equalTo(100));
    }

    @Test
    void withAQuorumAnEditAfterAPlainApprovalIsRefused() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 100));
        Mails.Link toAlice = Mails.awaitOne(alice).approve();
        Mails.Link toBob = Mails.awaitOne(bob).approve();
        confirm(toAlice, "").then().statusCode(200).body(containsString("Your approval is recorded"));
        confirm(toBob, "{\"amount\": 5}").then().statusCode(409)
                .body(containsString("1 approval of action " + id));
        assertEquals("PENDING", status(key, id));
        confirm(toBob, "{\"amount\": 100}").then().statusCode(200).body(containsString("Action approved"));
        assertRuns("{\"amount\":100}", id);
        agent(key).get("/api/v1/actions/" + id).then().body("$",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("originalToolArgs")));
    }
}
