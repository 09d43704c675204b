package io.agentgate.approval;

import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.Api;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The four-eyes rule on the mail channel and the API: nobody approves an action requested on their behalf. */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class SelfApprovalTest {

    private static UUID submitFor(String key, String userId) {
        return UUID.fromString(agent(key).body(Map.of("action", "book_meeting", "context", Map.of("room", "4B"),
                "userId", userId)).post("/api/v1/actions").then().statusCode(202).extract().path("id"));
    }

    @Test
    void anApproverCannotApproveTheirOwnRequestByLinkButMayRejectIt() throws Exception {
        String requester = Approvals.mailbox("requester");
        String key = Approvals.agentWith(List.of(requester), 1);
        UUID id = submitFor(key, requester.toUpperCase());
        Mails.Received mail = Mails.awaitOne(requester);

        Approvals.open(mail.approve()).then().statusCode(403).body(containsString("You cannot approve your own request"))
                .body(containsString("four eyes"));
        Approvals.confirm(mail.approve(), "looks fine to me").then().statusCode(403);
        assertEquals("PENDING", Approvals.status(key, id));
        assertEquals(0, Approvals.votes(id).size());

        Approvals.confirm(mail.reject(), "withdrawn").then().statusCode(200);
        assertEquals("REJECTED", Approvals.status(key, id));
    }

    @Test
    void theAdminDecisionEndpointKeepsTheRuleToo() {
        String requester = Approvals.mailbox("api-requester");
        String key = Approvals.agentWith(List.of(requester), 1);
        UUID id = submitFor(key, requester);
        Api.admin().body(Map.of("decision", "APPROVED", "decidedBy", requester, "comment", "mine"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(403)
                .contentType("application/problem+json").body("type", containsString("self-approval"));
        assertEquals("PENDING", Approvals.status(key, id));
        Api.admin().body(Map.of("decision", "APPROVED", "decidedBy", "someone-else@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
        assertEquals("APPROVED", Approvals.status(key, id));
    }
}
