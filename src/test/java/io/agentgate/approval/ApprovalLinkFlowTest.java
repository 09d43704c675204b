package io.agentgate.approval;

import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.audits;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.open;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static io.agentgate.approval.Approvals.votes;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.approval.ApprovalLink.Intent;
import io.agentgate.audit.AuditLog;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class ApprovalLinkFlowTest {

    @Inject
    io.agentgate.gate.ActionWaiters waiters;

    @Inject
    LinkSigner signer;

    @Test
    void eachApproverGetsOneMailWithBothPartsAndBothLinks() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 1);
        UUID id = submit(key, Map.of("amount", 500, "recipient", "ACME"));

        for (String approver : List.of(alice, bob)) {
            Mails.Received mail = Mails.awaitOne(approver);
            assertTrue(mail.subject().contains("book_meeting"), mail.subject());
            for (String part : List.of(mail.text(), mail.html())) {
                assertTrue(part.contains("Payments Agent"), "agent name");
                assertTrue(part.contains("HIGH"), "risk level");
                assertTrue(part.contains("approval-required"), "the violation that triggered it");
                assertTrue(part.contains("UTC"), "deadline in UTC");
                assertTrue(part.contains("in 4 minutes") || part.contains("in 5 minutes"), "deadline relative");
                assertTrue(part.contains("0 of 1 approval"), "quorum");
                assertTrue(part.contains("ACME"), "context");
                assertTrue(part.contains("/approval/" + id + "?approver="), "links under the base url");
            }
            assertTrue(mail.html().contains(">Approve</a>") && mail.html().contains(">Reject</a>"));
            assertNotNull(mail.approve(), "approve link in the text part");
            assertNotNull(mail.reject(), "reject link in the text part");
            assertTrue(mail.approve().url().startsWith("https://gate.example.test/approval/" + id), mail.approve().url());
            assertEquals(approver, mail.approve().approver());
            assertEquals(Intent.APPROVE, signer.verify(mail.approve().token()).intent());
            assertEquals(Intent.REJECT, signer.verify(mail.reject().token()).intent());
            assertEquals(approver, signer.verify(mail.reject().token()).approver());
        }
        // the SMTP server has the mails a moment before the outbox rows are marked sent and audited
        await().atMost(Duration.ofSeconds(5)).until(() -> audits(MailOutbox.MAIL_SENT, id) == 2);
    }

    @Test
    void openingALinkChangesNothingAndTheFormApprovesOnce() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice, mailbox("bob")), 1);
        UUID id = submit(key, Map.of("amount", 700));
        Mails.Received mail = Mails.awaitOne(alice);

        // a mail scanner (or the approver) opens both links: nothing changes
        for (int i = 0; i < 3; i++) {
            open(mail.approve()).then().statusCode(200)
                    .contentType(containsString("text/html"))
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-store")
                    .body(containsString("Approve this action?"))
                    .body(containsString("<form method=\"post\""))
                    .body(containsString("approval-required"))
                    .body(containsString("0 of 1 approval"))
                    .body(not(containsString("<script")));
            open(mail.reject()).then().statusCode(200).body(containsString("Reject this action?"));
        }
        assertEquals("PENDING", status(key, id));
        assertEquals(6, audits(LinkService.LINK_OPENED, id));
        assertTrue(votes(id).isEmpty());

        confirm(mail.approve(), "fine by me").then().statusCode(200)
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store")
                .body(containsString("Action approved"))
                .body(containsString("approved by " + alice));
        assertEquals("APPROVED", status(key, id));
        Vote vote = votes(id).get(0);
        assertEquals(alice, vote.approver);
        assertEquals(VoteChannel.MAIL, vote.channel);
        assertEquals("fine by me", vote.comment);
        assertEquals(1, audits(Quorum.VOTE_EVENT, id));
        assertEquals(1, audits(AuditLog.DECIDED, id));

        // reuse of the same link, and the other link of the same mail, decide nothing more
        confirm(mail.approve(), null).then().statusCode(409)
                .body(containsString("already decided")).body(containsString("approved by " + alice))
                .body(containsString("You voted approve"));
        open(mail.approve()).then().statusCode(409).body(containsString("approved by " + alice));
        confirm(mail.reject(), null).then().statusCode(409).body(containsString("already decided"));
        assertEquals("APPROVED", status(key, id));
        assertEquals(1, votes(id).size());
        assertEquals(1, audits(AuditLog.DECIDED, id));
    }

    @Test
    void rejectLinkRejects() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 900));
        Mails.Received mail = Mails.awaitOne(bob);
        open(mail.reject()).then().statusCode(200).body(containsString("Reject this action?"));
        assertEquals("PENDING", status(key, id));
        confirm(mail.reject(), "not this vendor").then().statusCode(200).body(containsString("Action rejected"));
        assertEquals("REJECTED", status(key, id));
        // the other approver's later click says who decided and when
        Mails.Received late = Mails.awaitOne(alice);
        open(late.approve()).then().statusCode(409)
                .body(containsString("This action was already decided"))
                .body(containsString("rejected by " + bob + " at "));
        confirm(late.approve(), null).then().statusCode(409);
        assertEquals("REJECTED", status(key, id));
    }

    @Test
    void agentsLongPollWakesWithTheDecisionOfTheLink() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 42));
        Mails.Link link = Mails.awaitOne(alice).approve();
        int before = waiters.size();
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(() -> io.agentgate.Api.agent(key)
                .get("/api/v1/actions/" + id + "?wait=20").then().statusCode(200).extract().path("status"));
        await().atMost(Duration.ofSeconds(5)).until(() -> waiters.size() > before);
        long clicked = System.nanoTime();
        confirm(link, null).then().statusCode(200);
        assertEquals("APPROVED", poll.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(Duration.ofNanos(System.nanoTime() - clicked).toSeconds() < 5, "woken by the decision");
    }

    @Test
    void tamperedLinksDecideNothing() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 10));
        Mails.Link link = Mails.awaitOne(alice).approve();
        String token = link.token();
        int dot = token.indexOf('.');
        for (int at : new int[] { dot / 2, dot + (token.length() - dot) / 2, token.length() - 1 }) {
            char c = token.charAt(at);
            String changed = token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1);
            open(link.withToken(changed)).then().statusCode(400).body(containsString("not valid"));
            confirm(link.withToken(changed), null).then().statusCode(400);
        }
        open(link.withToken("garbage")).then().statusCode(400).body(containsString("incomplete"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store");
        confirm(link.withToken(""), null).then().statusCode(400);
        confirm(link.withToken(token.substring(0, token.length() - 5)), null).then().statusCode(400);
        assertEquals("PENDING", status(key, id));
        assertTrue(votes(id).isEmpty());
        // the real link still works afterwards
        confirm(link, null).then().statusCode(200);
        assertEquals("APPROVED", status(key, id));
    }

    @Test
    void expiredLinkDecidesNothing() {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 10));
        String expired = signer.sign(id, alice, Intent.APPROVE, Instant.now().minusSeconds(1));
        Mails.Link link = new Mails.Link(null, "/approval/" + id, alice, expired);
        open(link).then().statusCode(410).body(containsString("This link has expired"));
        confirm(link, null).then().statusCode(410);
        assertEquals("PENDING", status(key, id));
        assertTrue(votes(id).isEmpty());
    }

    @Test
    void foreignLinksDecideNothing() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 1);
        UUID id = submit(key, Map.of("amount", 10));
        UUID other = submit(key, Map.of("amount", 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> GreenMailServer.to(bob).size() == 2);
        Mails.Link bobs = Mails.read(GreenMailServer.to(bob).get(0)).approve();

        // bob's link under alice's name
        open(bobs.withApprover(alice)).then().statusCode(403).body(containsString("different approver"));
        confirm(bobs.withApprover(alice), null).then().statusCode(403);
        // a link of one action used on another
        Mails.Link crossed = bobs.withPath("/approval/" + (bobs.path().endsWith(id.toString()) ? other : id));
        open(crossed).then().statusCode(403).body(containsString("different action"));
        confirm(crossed, null).then().statusCode(403);
        // a genuinely signed link for someone who is not an approver of the action
        Mails.Link mallory = new Mails.Link(null, "/approval/" + id, "mallory@example.com",
                signer.sign(id, "mallory@example.com", Intent.APPROVE, Instant.now().plusSeconds(60)));
        open(mallory).then().statusCode(403).body(containsString("not (or no longer) among"));
        confirm(mallory, null).then().statusCode(403);

        assertEquals("PENDING", status(key, id));
        assertEquals("PENDING", status(key, other));
        assertTrue(votes(id).isEmpty());
        assertTrue(votes(other).isEmpty());
    }

    @Test
    void timedOutActionsLinkSaysItTimedOut() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = UUID.fromString(io.agentgate.Api.agent(key)
                .body(Map.of("action", "book_meeting", "timeoutSeconds", 1)).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id"));
        Mails.Link link = Mails.awaitOne(alice).approve();
        await().atMost(Duration.ofSeconds(5)).until(() -> status(key, id).equals("TIMED_OUT"));
        open(link).then().statusCode(410).body(containsString("This action timed out"))
                .body(containsString("without a decision"));
        confirm(link, null).then().statusCode(410);
        assertEquals("TIMED_OUT", status(key, id));
    }

    @Test
    void scriptInTheContextArrivesEscapedInMailAndPage() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("note", "<script>alert('x')</script>", "html", "<img src=x onerror=alert(1)>"));
        Mails.Received mail = Mails.awaitOne(alice);
        assertFalse(mail.html().contains("<script>"), "no live script in the HTML part");
        assertFalse(mail.html().contains("<img src=x"), "no live markup in the HTML part");
        assertTrue(mail.html().contains("&lt;script&gt;alert("), mail.html());
        assertTrue(mail.text().contains("<script>alert('x')</script>"), "plain text keeps the text as it is");
        open(mail.approve()).then().statusCode(200)
                .body(not(containsString("<script>")))
                .body(not(containsString("<img src=x")))
                .body(containsString("&lt;script&gt;alert("));
        assertEquals("PENDING", status(key, id));
    }
}
