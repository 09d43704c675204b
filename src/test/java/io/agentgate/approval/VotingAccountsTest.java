package io.agentgate.approval;

import static io.agentgate.approval.Approvals.audits;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.open;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static io.agentgate.approval.Approvals.votes;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.approval.ApprovalLink.Intent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 5: a disabled account, or a viewer an agent names directly as an approver, used to approve by mail
 * link (200) although the dashboard and tokens refused the same person. Who may vote now looks at the account whenever
 * one exists for the address; such addresses get no mail, and the agent's registration names them.
 */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class VotingAccountsTest {

    private static final String PASSWORD = "right-password-123";

    @Inject
    LinkSigner signer;

    private static String account(String who, String role) {
        String email = mailbox(who);
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of(role)))
                .post("/api/v1/users").then().statusCode(201);
        return email;
    }

    private static void disable(String email) {
        Api.admin().body(Map.of("disabled", true)).put("/api/v1/users/" + email).then().statusCode(200);
    }

    private static Response registerAgent(List<String> approvers) {
        return Api.admin().body(Map.of("name", Api.uniqueName("accounts"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", approvers))).post("/api/v1/agents");
    }

    @Test
    void aDisabledAccountsMailedLinkDecidesNothing() throws Exception {
        String dora = account("dora", "approver");
        String key = Approvals.agentWith(List.of(dora, mailbox("other")), 1);
        UUID id = submit(key, Map.of("amount", 100));
        Mails.Received mail = Mails.awaitOne(dora);
        disable(dora);

        open(mail.approve()).then().statusCode(403).body(containsString("is disabled"));
        confirm(mail.approve(), "still me").then().statusCode(403).body(containsString("is disabled"))
                .body(containsString("Nothing was decided"));
        assertEquals("PENDING", status(key, id));
        assertTrue(votes(id).isEmpty());
    }

    @Test
    void aViewerOrDisabledAccountNamedAsApproverGetsNoMailIsRefusedByLinkAndIsReported() throws Exception {
        String viewer = account("vera", "viewer");
        String disabled = account("dan", "approver");
        disable(disabled);
        String approver = account("abe", "approver");
        String mailOnly = mailbox("partner");

        Response registered = registerAgent(List.of(viewer, disabled, approver, mailOnly, "group:nobody-here"));
        registered.then().statusCode(201).body("warnings", hasSize(3))
                .body("warnings.approver", hasItems(viewer, disabled, "group:nobody-here"))
                .body("warnings.find { it.approver == '" + viewer + "' }.reason", equalTo("no-approver-role"))
                .body("warnings.find { it.approver == '" + disabled + "' }.reason", equalTo("account-disabled"))
                .body("warnings.find { it.approver == '" + viewer + "' }.message", containsString("gets no mail"));
        String key = registered.path("apiKey");
        String name = registered.path("name");
        // the change answer reports them too; an agent without such approvers gets an empty list
        Api.admin().body(Map.of("riskLevel", "HIGH", "approval", Map.of("required", true, "approvers",
                List.of(viewer, approver)))).put("/api/v1/agents/" + name).then().statusCode(200)
                .body("warnings.approver", equalTo(List.of(viewer)));
        Api.admin().body(Map.of("riskLevel", "HIGH", "approval", Map.of("required", true, "approvers",
                List.of(viewer, disabled, approver, mailOnly)))).put("/api/v1/agents/" + name).then()
                .statusCode(200).body("warnings", hasSize(2));
        registerAgent(List.of(approver)).then().statusCode(201).body("warnings", empty());
        Api.admin().get("/api/v1/agents/" + name).then().statusCode(200).body("$", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasKey("warnings")));

        UUID id = submit(key, Map.of("amount", 200));
        Mails.awaitOne(approver);
        Mails.awaitOne(mailOnly);
        // the outbox rows were written with the pending action: exactly the two who may vote
        assertEquals(Set.of(approver, mailOnly), QuarkusTransaction.requiringNew().call(() -> OutboxMail
                .<OutboxMail>list("actionId", id).stream().map(m -> m.recipient).collect(Collectors.toSet())));
        await().atMost(Duration.ofSeconds(10)).until(() -> audits(MailOutbox.MAIL_SENT, id) >= 2);
        assertEquals(0, GreenMailServer.to(viewer).size(), "no mail to a viewer");
        assertEquals(0, GreenMailServer.to(disabled).size(), "no mail to a disabled account");

        // the link such a mail used to carry decides nothing
        for (String refused : List.of(viewer, disabled)) {
            Mails.Link link = new Mails.Link(null, "/approval/" + id, refused,
                    signer.sign(id, refused, Intent.APPROVE, Instant.now().plusSeconds(60)));
            open(link).then().statusCode(403);
            confirm(link, null).then().statusCode(403).body(containsString(refused.equals(viewer) ? "viewer role"
                    : "is disabled"));
        }
        assertEquals("PENDING", status(key, id));
        assertTrue(votes(id).isEmpty());
    }
}
