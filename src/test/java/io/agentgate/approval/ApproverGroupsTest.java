package io.agentgate.approval;

import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Approver groups: an agent's approvers may name group:<name>; with none named, any approver decides. */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class ApproverGroupsTest {

    static final String PASSWORD = "group-test-password";

    @Inject
    MailOutbox outbox;

    @Test
    void everyApproverOfTheNamedGroupIsMailedAndMayDecideByMailOrDashboard() throws Exception {
        String group = Api.uniqueName("payments");
        String ann = mailbox("ann");
        String ben = mailbox("ben");
        String vic = mailbox("vic");
        String out = mailbox("out");
        user(ann, "approver", group).body("groups", hasItem(group));
        user(ben, "approver", group);
        user(vic, "viewer", group);
        user(out, "approver", Api.uniqueName("other"));
        Api.admin().get("/api/v1/users").then().statusCode(200).body("find { it.email == '" + ann + "' }.groups",
                hasItem(group));

        String key = agentWith(List.of("group:" + group), 2);
        UUID id = submit(key, Map.of("invoice", "INV-7"));
        List<String> recipients = outbox.forAction(id).stream().map(m -> m.recipient).sorted().toList();
        assertEquals(List.of(ann, ben).stream().sorted().toList(), recipients,
                "the group's approvers are mailed; its viewer and other groups are not");

        Sessions outsider = Sessions.login(out, PASSWORD);
        outsider.request().get("/dashboard/actions/" + id).then().statusCode(200)
                .body(containsString("Only this action&#39;s approvers decide it: group " + group));
        outsider.form().formParam("csrf", outsider.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(403);

        Mails.Received mail = Mails.awaitOne(ann);
        confirm(mail.approve(), "ok for the group").then().statusCode(200);
        assertEquals("PENDING", status(key, id), "1 of 2 approvals");

        Sessions benSession = Sessions.login(ben, PASSWORD);
        benSession.form().formParam("csrf", benSession.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(303);
        assertEquals("APPROVED", status(key, id));
    }

    @Test
    void withNoApproversNamedAnyUserWithTheApproverRoleDecidesAndThePageSaysSo() {
        String key = agentWith(List.of(), 1);
        UUID id = submit(key, Map.of("invoice", "INV-8"));
        List<String> recipients = outbox.forAction(id).stream().map(m -> m.recipient).toList();
        assertTrue(recipients.contains(Sessions.ALICE) && recipients.contains(Sessions.ADMIN), recipients::toString);
        assertFalse(recipients.contains(Sessions.VIEWER), recipients::toString);

        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        viewer.request().get("/dashboard/actions/" + id).then().statusCode(200)
                .body(containsString("any user with the approver role"));
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").then().statusCode(303);
        assertEquals("APPROVED", status(key, id));
    }

    @Test
    void groupApproversAreValidatedAndCountedWhenTheVoteComes() {
        Api.admin().body(Map.of("name", Api.uniqueName("bad-approver"), "riskLevel", "LOW", "approval",
                Map.of("required", true, "approvers", List.of("finance")))).post("/api/v1/agents").then()
                .statusCode(400).body(containsString("email address or group:"));
        Api.admin().body(Map.of("email", mailbox("bad"), "password", PASSWORD, "roles", List.of("approver"),
                "groups", List.of("Not A Group!"))).post("/api/v1/users").then().statusCode(400)
                .body(containsString("groups"));
    }

    @Test
    void theUsersPageShowsAndSetsGroups() {
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        String email = mailbox("paged");
        String group = Api.uniqueName("legal");
        admin.form().formParam("csrf", admin.csrf).formParam("email", email).formParam("password", PASSWORD)
                .formParam("roles", "approver").formParam("groups", group + ", finance")
                .post("/dashboard/users").then().statusCode(201).body(containsString("Created " + email));
        Api.admin().get("/api/v1/users").then().statusCode(200).body("find { it.email == '" + email + "' }.groups",
                org.hamcrest.Matchers.contains("finance", group));
        admin.request().get("/dashboard/users").then().statusCode(200).body(containsString("finance, " + group));
    }

    private static io.restassured.response.ValidatableResponse user(String email, String role, String group) {
        return Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of(role), "groups",
                List.of(group))).post("/api/v1/users").then().statusCode(201);
    }
}
