package io.agentgate.approval;

import static io.agentgate.approval.Approvals.audits;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.dashboard.Sessions;
import io.agentgate.gate.ActionQueries;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Reminders and escalation: one reminder to the approvers who have not voted, and an escalation that makes more
 * people approvers and mails them; once each, across sweeps, instances and restarts.
 */
@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class RemindersAndEscalationTest {

    @Inject
    MailOutbox outbox;

    @Inject
    FollowUps followUps;

    @Inject
    ActionQueries queries;

    @Test
    void approversWhoHaveNotVotedAreRemindedAndTheEscalationTargetGetsMailAndDecides() throws Exception {
        String ann = mailbox("ann");
        String cid = mailbox("cid");
        String bob = mailbox("bob");
        String key = agent(List.of(ann, cid), 2, 500, 550, List.of(bob), 600);
        UUID id = submit(key, Map.of("invoice", "INV-41"));
        FollowUp row = QuarkusTransaction.requiringNew().call(() -> FollowUp.<FollowUp>findById(id));
        Instant created = queries.detail(id).view().createdAt();
        assertEquals(created.plusSeconds(500), row.remindAt, "due remindAfterSeconds after the submission");
        assertEquals(created.plusSeconds(550), row.escalateAt, "due escalateAfterSeconds after the submission");
        Mails.Received annRequest = Mails.awaitOne(ann);
        confirm(annRequest.approve(), "fine by me").then().statusCode(200);
        // the time comes: the scheduled sweep takes both steps
        dueNow(id);

        MimeMessage reminder = awaitMail(cid, "Reminder: ");
        assertNotNull(Mails.read(reminder).approve(), "the reminder carries cid's own links");
        Mails.Received escalation = Mails.read(awaitMail(bob, "Escalated to you: "));
        assertTrue(escalation.subject().startsWith("Escalated to you: Approval needed:"), escalation.subject());
        assertEquals(bob, escalation.approve().approver(), "the escalation target votes through a link of its own");
        await().atMost(Duration.ofSeconds(10)).until(() -> audits(FollowUps.REMINDED, id) == 1
                && audits(FollowUps.ESCALATED, id) == 1);
        assertEquals(1, GreenMailServer.to(ann).size(), "ann voted: no reminder for her");
        assertEquals(2, GreenMailServer.to(cid).size(), "cid: the request, then one reminder");
        assertEquals(1, GreenMailServer.to(bob).size(), "bob: the escalation mail only");
        assertTrue(queries.detail(id).approvers().contains(bob), "the escalation target became an approver");

        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        admin.request().get("/dashboard/actions/" + id).then().statusCode(200)
                .body(containsString("id=\"reminded\">Reminded at"))
                .body(containsString("id=\"escalated\">Escalated at"))
                .body(containsString("to " + bob));

        confirm(escalation.approve(), "escalated and approved").then().statusCode(200);
        assertEquals("APPROVED", status(key, id), "ann's and bob's approvals meet the quorum of 2");
    }

    @Test
    void anEscalationDueWhileNoInstanceRanHappensOnceWhenSweepsRace() throws Exception {
        String ann = mailbox("ann");
        String bob = mailbox("bob");
        String vic = mailbox("vic");
        Api.admin().body(Map.of("email", vic, "password", "viewer-password-42", "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        String key = agent(List.of(ann), 1, 500, 550, List.of(bob, vic), 600);
        UUID id = submit(key, Map.of("invoice", "INV-42"));
        Mails.awaitOne(ann);
        // as if the service had been down past both due times: the rows say so, and the sweeps at start find them
        dueNow(id);

        int sweepers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sweepers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> taken = new ArrayList<>();
        try {
            for (int i = 0; i < sweepers; i++) {
                Callable<Integer> sweep = () -> {
                    start.await();
                    return followUps.sweep();
                };
                taken.add(pool.submit(sweep));
            }
            start.countDown();
            for (Future<Integer> f : taken) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> audits(FollowUps.ESCALATED, id) == 1
                && audits(FollowUps.REMINDED, id) == 1);
        awaitMail(bob, "Escalated to you: ");
        awaitMail(ann, "Reminder: ");
        assertEquals(0, followUps.sweep(), "nothing is left to take");
        assertEquals(1, audits(FollowUps.ESCALATED, id));
        assertEquals(1, audits(FollowUps.REMINDED, id));
        assertEquals(1, outbox.forAction(id).stream().filter(m -> m.kind.equals(FollowUps.ESCALATION_KIND)).count());
        assertEquals(1, outbox.forAction(id).stream().filter(m -> m.kind.equals(FollowUps.REMINDER_KIND)).count());
        assertEquals(1, GreenMailServer.to(bob).size());
        assertEquals(2, GreenMailServer.to(ann).size());
        assertEquals(List.of(ann, bob, vic), queries.detail(id).approvers(), "bob and vic are added once");
        assertTrue(outbox.forAction(id).stream().noneMatch(m -> m.recipient.equals(vic)),
                "a viewer-only account gets no mail, escalated to or not");
        assertEquals("PENDING", status(key, id), "the deadline stays: escalation decides nothing");
    }

    @Test
    void aStepNotDueWhenTheActionEndsNeverComes() throws Exception {
        String ann = mailbox("ann");
        String bob = mailbox("bob");
        String key = agent(List.of(ann), 1, 500, 550, List.of(bob), 600);
        UUID id = submit(key, Map.of("invoice", "INV-43"));
        confirm(Mails.awaitOne(ann).approve(), null).then().statusCode(200);
        dueNow(id);
        followUps.sweep();
        assertEquals(0, audits(FollowUps.ESCALATED, id));
        assertEquals(0, audits(FollowUps.REMINDED, id));
        assertEquals(List.of(ann), queries.detail(id).approvers());
    }

    @Test
    void settingsAreValidatedWithTheFieldNamed() {
        String bob = mailbox("bob");
        refused(settings(0, null, null, 60), "approval.remindAfterSeconds");
        refused(settings(60, null, null, 60), "approval.remindAfterSeconds");
        refused(settings(null, 600, List.of(bob), null), "approval.escalateAfterSeconds"); // default timeout 5M
        refused(settings(null, 10, List.of(), 60), "approval.escalateTo");
        refused(settings(null, 10, List.of("finance"), 60), "approval.escalateTo[0]");
        refused(settings(null, null, List.of(bob), 60), "approval.escalateAfterSeconds");

        String name = Api.uniqueName("follow");
        Map<String, Object> body = body(name, settings(30, 40, List.of("group:oncall", bob), 60));
        Api.admin().body(body).post("/api/v1/agents").then().statusCode(201)
                .body("approval.remindAfterSeconds", equalTo(30)).body("approval.escalateAfterSeconds", equalTo(40))
                .body("approval.escalateTo", hasItem("group:oncall"));
        Api.admin().body(body(name, settings(30, 70, List.of(bob), 60))).put("/api/v1/agents/" + name).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("approval.escalateAfterSeconds"));
        Api.admin().get("/api/v1/agents/" + name).then().statusCode(200)
                .body("approval.escalateAfterSeconds", equalTo(40));
    }

    /** Moves both due times of the action into the past (as time passing would; the test need not wait). */
    private static void dueNow(UUID id) {
        Instant past = Instant.now().minusSeconds(30);
        QuarkusTransaction.requiringNew().run(() -> FollowUp.update(
                "remindAt = ?1, escalateAt = ?1 where actionId = ?2", past, id));
    }

    private static void refused(Map<String, Object> approval, String field) {
        Api.admin().body(body(Api.uniqueName("bad-follow"), approval)).post("/api/v1/agents").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem(field));
    }

    private static Map<String, Object> body(String name, Map<String, Object> approval) {
        return Map.of("name", name, "riskLevel", "HIGH", "approval", approval);
    }

    private static Map<String, Object> settings(Integer remind, Integer escalate, List<String> to, Integer timeout) {
        Map<String, Object> approval = new HashMap<>();
        approval.put("required", true);
        approval.put("approvers", List.of("ann@example.com"));
        approval.put("remindAfterSeconds", remind);
        approval.put("escalateAfterSeconds", escalate);
        approval.put("escalateTo", to);
        approval.put("timeoutSeconds", timeout);
        return approval;
    }

    private static String agent(List<String> approvers, int required, int remind, int escalate, List<String> to,
            int timeout) {
        return Api.register(Map.of("name", Api.uniqueName("follow"), "displayName", "Payments Agent", "riskLevel",
                "HIGH", "approval", Map.of("required", true, "approvers", approvers, "requiredApprovals", required,
                        "remindAfterSeconds", remind, "escalateAfterSeconds", escalate, "escalateTo", to,
                        "timeoutSeconds", timeout)));
    }

    /** Waits (bounded) for a mail to the recipient whose subject starts so. */
    private static MimeMessage awaitMail(String recipient, String subject) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> GreenMailServer
                .to(recipient).stream().anyMatch(m -> subject(m).startsWith(subject)));
        return GreenMailServer.to(recipient).stream().filter(m -> subject(m).startsWith(subject)).findFirst()
                .orElseThrow();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
