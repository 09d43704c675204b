package io.agentgate.approval;

import static io.agentgate.approval.Approvals.mailbox;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The approver mail says why in plain words (descriptions, never the CEL expression) and links the dashboard. */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class ApprovalMailWordingTest {

    @Test
    void mailShowsTheApprovalRulesDescriptionAndLinksTheDashboardPage() throws Exception {
        String approver = mailbox("wording");
        String name = Api.uniqueName("wording");
        String key = Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval",
                Map.of("required", true, "rule", "action == 'book_meeting' && has(context.room)",
                        "description", "Room bookings are confirmed by the office manager",
                        "approvers", List.of(approver))));
        UUID id = Approvals.submit(key, Map.of("room", "Orion"));

        Mails.Received mail = Mails.awaitOne(approver);
        for (String part : List.of(mail.text(), mail.html())) {
            assertTrue(part.contains("Room bookings are confirmed by the office manager"), part);
            assertFalse(part.contains("has(context.room)"), "no raw rule in the mail: " + part);
            assertTrue(part.contains("https://gate.example.test/dashboard/actions/" + id), part);
        }
        Api.admin().get("/api/v1/agents/" + name).then().statusCode(200)
                .body("approval.description", org.hamcrest.Matchers.equalTo(
                        "Room bookings are confirmed by the office manager"));
    }

    @Test
    void mailShowsADeclarativePolicysDescriptionInsteadOfItsExpression() throws Exception {
        String key = Api.admin().post("/api/v1/agents/customer-support/keys").then().statusCode(200).extract()
                .path("apiKey");
        UUID id = UUID.fromString(Api.agent(key).body(Map.of("action", "process_refund", "context",
                Map.of("amount", 40, "destination", "new-iban"))).post("/api/v1/actions").then().statusCode(202)
                .extract().path("id"));
        MimeMessage message = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> GreenMailServer.to("support-lead@example.com").stream().filter(m -> {
                    try {
                        return Mails.read(m).text().contains(id.toString());
                    } catch (Exception e) {
                        return false;
                    }
                }).findFirst().orElse(null), m -> m != null);
        String text = Mails.read(message).text();
        assertTrue(text.contains("Refunds to an account that is not the original payment method need a human"),
                text);
        assertFalse(text.contains("context.destination"), text);
    }
}
