package io.agentgate.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 14: at start the scheduler's mail poll ran before the start-up observer that made the mailer's
 * counters, and a due row (left from before a restart) ended in a NullPointerException. The mailer is built here as
 * CDI builds it, and polled before anything else has run.
 */
class ApprovalMailerStartTest {

    @Test
    void aPollBeforeStartUpCountsAndReschedulesAFailedMail() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> failures = new ArrayList<>();
        OutboxMail row = new OutboxMail();
        row.id = 7L;
        row.actionId = UUID.randomUUID();
        row.recipient = "alice@example.com";
        row.attempts = 1;

        ApprovalMailer mailer = new ApprovalMailer(registry);
        mailer.outbox = new MailOutbox() {
            private boolean taken;

            @Override
            public List<Long> due(int limit) {
                return taken ? List.of() : List.of(row.id);
            }

            @Override
            public List<Long> claim(List<Long> ids) {
                taken = true;
                return ids;
            }

            @Override
            public OutboxMail get(long id) {
                return row;
            }

            @Override
            public Instant failed(OutboxMail mail, String error) {
                failures.add(error);
                return Instant.EPOCH;
            }

            @Override
            public long open() {
                return 1;
            }
        };
        mailer.queries = new ActionQueries() {
            @Override
            public ActionDetail detail(UUID id) {
                throw new NotFound("No action " + id);
            }
        };

        mailer.poll();

        assertEquals(List.of("No action " + row.actionId), failures, "the failed attempt is recorded for its retry");
        assertEquals(1.0, registry.counter(ApprovalMailer.FAILURES).count());
        assertEquals(1.0, registry.get(ApprovalMailer.OUTBOX_PENDING).gauge().value());
    }

    /** Issue 21, finding 15: the dashboard shows the last error of a mail; it names no Java class. */
    @Test
    void aFailureIsRecordedInPlainWords() {
        assertEquals("the mail server did not answer in time",
                ApprovalMailer.inWords(new io.smallrye.mutiny.TimeoutException()));
        assertEquals("the mail could not be sent (the server log has the details)",
                ApprovalMailer.inWords(new IllegalStateException((String) null)));
        assertEquals("the mail could not be sent (the server log has the details)",
                ApprovalMailer.inWords(new IllegalStateException("java.net.ConnectException: refused")));
        assertEquals("550 mailbox unavailable", ApprovalMailer.inWords(new IllegalStateException("550 mailbox unavailable")));
    }
}
