package io.agentgate.approval;

import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.audits;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class MailOutboxTest {

    @Inject
    MailOutbox outbox;

    @Inject
    ApprovalMailer mailer;

    @Inject
    MeterRegistry registry;

    @Test
    void smtpDownAtSubmitDelaysTheMailAndDeliversItOnceWhenBack() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        double failuresBefore = registry.counter(ApprovalMailer.FAILURES).count();
        GreenMailServer.down();
        UUID id;
        try {
            long start = System.nanoTime();
            id = submit(key, Map.of("amount", 300));
            long submitMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(submitMs < 2000, "the agent does not wait for SMTP: " + submitMs + " ms");
            UUID action = id;
            // two failed attempts, read between attempts (a row being tried is SENDING)
            var seen = new java.util.concurrent.atomic.AtomicReference<OutboxMail>();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                seen.set(outbox.forAction(action).get(0));
                return seen.get().attempts >= 2 && seen.get().status != OutboxMail.Status.SENDING;
            });
            OutboxMail row = seen.get();
            assertEquals(OutboxMail.Status.PENDING, row.status, "failed mail stays queued");
            assertNotNull(row.lastError, "the row keeps the last error");
            assertTrue(row.nextAttemptAt.isAfter(row.createdAt), "the next attempt is backed off");
            assertTrue(registry.counter(ApprovalMailer.FAILURES).count() >= failuresBefore + 2, "failures are counted");
            given().get("/q/metrics").then().statusCode(200)
                    .body(containsString("agentgate_mail_outbox_pending"))
                    .body(containsString("agentgate_mail_failures_total"));
            assertEquals(0, audits(MailOutbox.MAIL_SENT, id));
            assertEquals("PENDING", status(key, id));
        } finally {
            GreenMailServer.up();
        }
        UUID action = id;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> outbox.forAction(action).get(0).status == OutboxMail.Status.SENT);
        // several more polls and drains: still one mail
        for (int i = 0; i < 5; i++) {
            mailer.drain();
        }
        // stays at one mail for a while: no late duplicate
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                .until(() -> GreenMailServer.to(alice).size() == 1);
        OutboxMail sent = outbox.forAction(id).get(0);
        assertTrue(sent.attempts >= 3, "sent on a retry: attempt " + sent.attempts);
        assertEquals(1, audits(MailOutbox.MAIL_SENT, id));
        // and the delayed mail's link works
        confirm(Mails.awaitOne(alice).approve(), null).then().statusCode(200);
        assertEquals("APPROVED", status(key, id));
    }

    @Test
    void manySendersAtOnceSendEachMailOnce() throws Exception {
        List<String> approvers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            approvers.add(mailbox("approver" + i));
        }
        String key = agentWith(approvers, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        UUID id;
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                senders.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < 20; n++) {
                        mailer.drain();
                    }
                    return null;
                }));
            }
            id = submit(key, Map.of("amount", 1));
            start.countDown();
            for (Future<?> f : senders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        UUID action = id;
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.forAction(action).stream()
                .allMatch(m -> m.status == OutboxMail.Status.SENT));
        // one mail per approver, and it stays one: no late duplicate from another sender
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> approvers.stream().allMatch(a -> GreenMailServer.to(a).size() == 1));
        assertEquals(approvers.size(), audits(MailOutbox.MAIL_SENT, id));
        // a failed attempt (a slow SMTP server on a loaded machine) may be retried; a delivered mail is never sent again
        outbox.forAction(id).forEach(m -> assertEquals(OutboxMail.Status.SENT, m.status));
    }

    @Test
    void mailForAnActionThatEndedBeforeSendingIsDropped() throws Exception {
        String alice = mailbox("alice");
        String key = agentWith(List.of(alice), 1);
        GreenMailServer.down();
        UUID id;
        try {
            id = submit(key, Map.of("amount", 3));
            io.agentgate.Api.agent(key).post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);
        } finally {
            GreenMailServer.up();
        }
        UUID action = id;
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.forAction(action).get(0).status
                == OutboxMail.Status.OBSOLETE);
        assertEquals(0, GreenMailServer.to(alice).size());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        // test profile: initial 200 ms, max 1 s
        assertEquals(Duration.ofMillis(200), outbox.backoff(1));
        assertEquals(Duration.ofMillis(400), outbox.backoff(2));
        assertEquals(Duration.ofMillis(800), outbox.backoff(3));
        assertEquals(Duration.ofSeconds(1), outbox.backoff(4));
        assertEquals(Duration.ofSeconds(1), outbox.backoff(100));
    }
}
