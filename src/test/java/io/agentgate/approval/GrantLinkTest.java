package io.agentgate.approval;

import static io.agentgate.Api.agent;
import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.open;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 22: the link confirm page offers a grant beside Approve (a POST after the GET, no script needed). */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class GrantLinkTest {

    private static Response confirm(Mails.Link link, String scope, String duration, String uses) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("approver", link.approver()).formParam("token", link.token())
                .formParam("grantScope", scope).formParam("grantFor", duration).formParam("grantUses", uses)
                .post(link.path());
    }

    private static Response submit(String key, Map<String, Object> context) {
        return agent(key).body(Map.of("action", "book_meeting", "context", context)).post("/api/v1/actions");
    }

    @Test
    void aGrantChosenOnTheConfirmPageLetsTheSameCallPass() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        submit(key, Map.of("room", "7", "at", "10:00")).then().statusCode(202);
        Mails.Received mail = Mails.awaitOne(alice);
        // the mail says in plain words what a grant would cover and what not
        org.junit.jupiter.api.Assertions.assertTrue(mail.text().contains("On the Approve page you may also grant: "
                + "let later book_meeting requests of ") && mail.text().contains("A grant never covers other agents "
                + "or actions, anything a policy denies"), mail.text());
        org.junit.jupiter.api.Assertions.assertTrue(mail.html().contains("id=\"grant-note\""), mail.html());
        open(mail.approve()).then().statusCode(200).body(containsString("id=\"grant-choice\""))
                .body(containsString("exactly these arguments"));
        open(mail.reject()).then().statusCode(200).body(not(containsString("id=\"grant-choice\"")));
        confirm(mail.approve(), "same-arguments", "PT8H", "3").then().statusCode(200)
                .body(containsString("Action approved"));

        submit(key, Map.of("at", "10:00", "room", "7")).then().statusCode(200).body("status", equalTo("ALLOWED"))
                .body("grantId", notNullValue());
        submit(key, Map.of("room", "8", "at", "10:00")).then().statusCode(202);
    }

    @Test
    void aGrantOnAQuorumApprovalThatDoesNotCompleteItShowsTheFormAgain() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        submit(key, Map.of("room", "9")).then().statusCode(202);
        Mails.Received toAlice = Mails.awaitOne(alice);
        Mails.Received toBob = Mails.awaitOne(bob);
        confirm(toAlice.approve(), "same-action", "PT1H", "").then().statusCode(409)
                .body(containsString("so it cannot grant")).body(containsString("id=\"grant-choice\""));
        // nothing was recorded: alice's link still works, without a grant; bob's approval completes it and grants
        confirm(toAlice.approve(), "", "PT1H", "").then().statusCode(200).body(containsString("1 of 2 approvals"));
        confirm(toBob.approve(), "same-action", "PT1H", "").then().statusCode(200);
        submit(key, Map.of("room", "10")).then().statusCode(200).body("grantId", notNullValue());
    }
}
